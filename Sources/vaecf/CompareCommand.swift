import ArgumentParser
import Foundation
import VAECF
import VAECFData

/// `vaecf compare`: several models trained on one prepared split, one table of test metrics.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Train several models on one prepared split and compare their test metrics.",
        discussion: """
            Trains each model of --models with the same training options (the autoencoders keep their \
            best-validation weights; EASE is fitted with --ease-lambda), adds the most-popular baseline, and \
            prints test NDCG@100, Recall@20, Recall@50, training time and the size of the weights. RecVAE starts \
            from its own preset (recvae: lr 5e-4, 50 epochs of 3 encoder and 1 decoder passes) with the given \
            training options and --gamma applied; --encoder-dims gives its hidden width and latent size.
            """)

    @Option(help: "Prepared dataset (from `vaecf prepare`).", transform: URL.init(fileURLWithPath:))
    var data: URL
    @Option(
        help: "Models to train, comma separated: multvae, multdae, ease, recvae. (default: multvae,multdae,ease)",
        transform: CompareCommand.modelKinds)
    var models: [ModelKind] = [.multvae, .multdae, .ease]
    @Option(name: .customLong("ease-lambda"), help: "EASE's L2 weight lambda.") var easeLambda: Double = 500
    @Flag(help: "Print one JSON object instead of the table.") var json = false
    @OptionGroup var options: TrainingOptions
    @OptionGroup var compute: ComputeOptions
    @OptionGroup var precision: PrecisionOptions

    func validate() throws {
        if models.contains(.recvae), try options.parsedEncoderDimensions().count != 2 {
            throw ValidationError("--encoder-dims: RecVAE takes a hidden width and a latent size, like 600,200")
        }
        if !(easeLambda > 0) { throw ValidationError("--ease-lambda must be positive") }
    }

    /// `--models` parsed: known names separated by commas, each once.
    static func modelKinds(_ list: String) throws -> [ModelKind] {
        var kinds = [ModelKind]()
        for name in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard let kind = ModelKind(rawValue: name) else {
                throw ValidationError(
                    "unknown model '\(name)' (known: \(ModelKind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard !kinds.contains(kind) else { throw ValidationError("\(name) is named twice") }
            kinds.append(kind)
        }
        guard !kinds.isEmpty else { throw ValidationError("give at least one model") }
        return kinds
    }

    func run() throws {
        let dataset = try DatasetFile.read(data)
        guard dataset.train.rowCount > 0 else { throw CommandFailure("\(data.path) has no training users") }
        let engine = try compute.makeEngine(precision: precision.precision)
        let comparison = ModelComparison(
            dataset: dataset, network: try options.model(itemCount: dataset.itemCount), training: options.training,
            easeLambda: easeLambda, engine: engine,
            recVAETraining: options.training(startingFrom: TrainingConfiguration(preset: .recvae, seed: options.seed)),
            recVAE: RecVAESettings(gamma: options.gamma ?? 0.005))
        let results = try comparison.run(models) { result in
            printError("\(result.model): test \(result.test) (trained in \(formatDuration(result.trainingSeconds)))")
        }
        print(json ? try Self.jsonReport(results, data: data) : Self.tableReport(results))
    }

    /// The results as one JSON object: `{"data": ..., "models": [{"model", "ndcg@100", ...}]}`.
    static func jsonReport(_ results: [ModelComparisonResult], data: URL) throws -> String {
        let rows: [[String: Any]] = results.map { result in
            var row: [String: Any] = [
                "model": result.model, "training_seconds": result.trainingSeconds,
                "parameters": result.parameterCount, "weight_bytes": result.weightBytes, "users": result.test.userCount,
            ]
            for entry in result.test.entries { row[entry.name] = entry.value }
            return row
        }
        let object: [String: Any] = ["data": data.path, "models": rows]
        return String(
            decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    /// The results as a Markdown table.
    static func tableReport(_ results: [ModelComparisonResult]) -> String {
        var lines = [
            "| model | NDCG@100 | Recall@20 | Recall@50 | training | weights |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for result in results {
            let name = ModelKind(rawValue: result.model)?.displayName ?? "most popular"
            lines.append(
                String(
                    format: "| %@ | %.4f | %.4f | %.4f | %@ | %@ |", name, result.test.ndcgAt100,
                    result.test.recallAt20,
                    result.test.recallAt50, formatDuration(result.trainingSeconds),
                    InfoCommand.formatByteCount(result.weightBytes)))
        }
        return lines.joined(separator: "\n")
    }
}
