import ArgumentParser
import Foundation
import VAECF
import VAECFData

/// `vaecf demo`: the whole pipeline on the built-in synthetic data, in about a minute, with nothing to download.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract:
            "Generate the built-in synthetic data, train Mult-VAE, compare it with a most-popular baseline and show recommendations."
    )

    @Option(help: "Synthetic users.") var users = SyntheticSettings.default.users
    @Option(help: "Synthetic items.") var items = SyntheticSettings.default.items
    @Option(help: "Synthetic interactions (about).") var interactions = SyntheticSettings.default.interactions
    @Option(name: .customLong("heldout-users"), help: "Validation users and, as many again, test users.")
    var heldOutUsers = 600
    @Option(
        help:
            "Folder to keep the dataset (demo.vaecf) and the model (demo.model) in, for `vaecf test` or `vaecf info`.",
        transform: URL.init(fileURLWithPath:))
    var output: URL?
    @Option(name: .customLong("show-users"), help: "Test users whose recommendations are printed.") var showUsers = 3
    @OptionGroup var options: TrainingOptions
    @OptionGroup var compute: ComputeOptions

    func run() throws {
        let start = Date()
        var settings = SyntheticSettings.default
        settings.users = users
        settings.items = items
        settings.interactions = interactions
        settings.seed = options.seed
        try settings.validate()
        let table = SyntheticInteractions.generate(settings)
        let dataset = try PaperSplit.split(
            table, settings: SplitSettings(heldOutUsers: heldOutUsers, seed: options.seed),
            source: "built-in synthetic data")
        print(
            "data: \(table.users.count) synthetic interactions of \(table.userIDs.count) users with \(table.itemIDs.count) items, topic structure, power-law popularity"
        )
        for line in dataset.summaryLines() { print("  " + line) }

        var training = options.training
        if options.epochs == nil { training.epochs = 30 }
        if options.validationStep == nil { training.validationStep = 5 }
        let engine = compute.makeEngine()
        let trainer = Trainer(
            dataset: dataset, model: try options.model(itemCount: dataset.itemCount),
            training: training, engine: engine)
        var console = TrainingConsole(quiet: false)
        let model = try trainer.run(checkpoint: nil) { console.report($0) }
        if let output {
            try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
            try DatasetFile.write(dataset, to: output.appendingPathComponent("demo.vaecf"))
            try trainer.modelFile().write(to: output.appendingPathComponent("demo.model"))
            print(
                "saved \(output.appendingPathComponent("demo.vaecf").path) and \(output.appendingPathComponent("demo.model").path)"
            )
        }

        let foldIn = dataset.testFoldIn
        let heldOut = dataset.testHeldOut
        let evaluator = Evaluator(
            foldIn: foldIn, heldOut: heldOut, batchSize: training.batchSizeValidation, executor: engine.executor)
        let vae = evaluator.evaluate { rows, output in
            engine.scores(model: model, foldIn: foldIn, rows: rows, output: output)
        }
        let popularity = PopularityBaseline(train: dataset.train)
        let baseline = evaluator.evaluate { rows, output in popularity.score(rows: rows, output: output) }
        print("")
        print("test users: \(vae.userCount)")
        print("model            NDCG@100  Recall@20  Recall@50")
        for (name, metrics) in [("Mult-VAE", vae), ("most popular", baseline)] {
            let padded = name.padding(toLength: 15, withPad: " ", startingAt: 0)
            print(
                padded
                    + String(format: "%9.4f  %9.4f  %9.4f", metrics.ndcgAt100, metrics.recallAt20, metrics.recallAt50))
        }

        print("")
        let shown = Array((0..<foldIn.rowCount).filter { heldOut.count(ofRow: $0) > 0 }.prefix(showUsers))
        var scores = [Float](repeating: 0, count: shown.count * dataset.itemCount)
        scores.withUnsafeMutableBufferPointer {
            engine.scores(model: model, foldIn: foldIn, rows: shown, output: $0.baseAddress!)
        }
        for (position, row) in shown.enumerated() {
            let seen = Array(foldIn.row(row))
            let relevant = Set(heldOut.row(row))
            var indices = [Int32](repeating: 0, count: 10)
            var values = [Float](repeating: 0, count: 10)
            let count = scores.withUnsafeBufferPointer { all in
                seen.withUnsafeBufferPointer { excluded in
                    TopK.select(
                        scores: all.baseAddress! + position * dataset.itemCount, count: dataset.itemCount, k: 10,
                        excluding: excluded, indices: &indices, values: &values)
                }
            }
            let list = (0..<count).map {
                dataset.itemIDs[Int(indices[$0])] + (relevant.contains(indices[$0]) ? "*" : "")
            }
            print(
                "user \(dataset.testUserIDs[row]) (\(seen.count) items seen, \(relevant.count) held out): \(list.joined(separator: " "))"
            )
        }
        print("(* = a held-out item of that user)")
        print("total time \(formatDuration(Date().timeIntervalSince(start)))")
    }
}
