import ArgumentParser
import Foundation
import VAECF
import VAECFData

/// `vaecf test`: the paper's ranking metrics of a trained model on the test (or validation) split.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Evaluate a model: NDCG@100, Recall@20 and Recall@50 on held-out users.")

    enum Split: String, ExpressibleByArgument, CaseIterable { case test, validation }

    @Option(help: "Prepared dataset the model was trained on.", transform: URL.init(fileURLWithPath:))
    var data: URL
    @Option(
        help: "Model file from `vaecf train` (a checkpoint gives its best-validation weights).",
        transform: URL.init(fileURLWithPath:))
    var model: URL
    @Option(help: "Which held-out users.") var split: Split = .test
    @Option(name: .customLong("batch-size"), help: "Users scored at a time.") var batchSize: Int = 2000
    @Flag(help: "Print one JSON object instead of text.") var json = false
    @OptionGroup var compute: ComputeOptions
    @OptionGroup var precision: PrecisionOptions

    func validate() throws {
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
    }

    func run() throws {
        let dataset = try DatasetFile.read(data)
        let file = try ModelFile.readModel(model)
        if let notice = file.notice { printError("note: \(notice)") }
        let fingerprint = dataset.fingerprintHex
        guard file.header.datasetFingerprint == fingerprint, file.header.model.itemCount == dataset.itemCount else {
            throw CommandFailure(
                "\(model.path) was trained on dataset \(file.header.datasetFingerprint), not on \(data.path) (\(fingerprint))"
            )
        }
        let engine = try compute.makeEngine(precision: precision.precision)
        let network = TrainedModel(file: file)
        let (foldIn, heldOut) =
            split == .test
            ? (dataset.testFoldIn, dataset.testHeldOut) : (dataset.validationFoldIn, dataset.validationHeldOut)
        let start = Date()
        let metrics = network.evaluate(engine: engine, foldIn: foldIn, heldOut: heldOut, batchSize: batchSize)
        let seconds = Date().timeIntervalSince(start)
        if json {
            var object: [String: Any] = ["users": metrics.userCount, "split": split.rawValue, "seconds": seconds]
            for entry in metrics.entries { object[entry.name] = entry.value }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("\(split.rawValue): \(metrics) (\(formatDuration(seconds)))")
        }
    }
}
