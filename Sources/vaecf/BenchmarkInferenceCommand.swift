import ArgumentParser
import Foundation
import VAECF
import VAECFBenchmarks
import VAECFCompute
import VAECFCore
import VAECFData

/// `vaecf benchmark inference`: batch-1 latency and batch throughput of ``Recommender``.
struct BenchmarkInferenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inference",
        abstract: "Time recommendations: batch-1 latency percentiles and users/s at a large batch.",
        discussion: """
            Latency: --queries one-user queries of --query-items random items each through the full path \
            (ids in, top --k ids and scores out), after --warm-up untimed ones. Throughput: --batch-size users \
            in one call (top --batch-k, fold-in excluded), alternating --repetitions times with a plain sgemm \
            [batch, width] x [width, items] of the same row blocks; medians and their ratio are reported. Without --model, a freshly initialized model of --items items (ML-20M size by \
            default). With --data (and --model), also the test NDCG@100, Recall@20 and Recall@50 with float32 \
            and float16 output weights.
            """)

    @Option(help: "Model file to time (default: a freshly initialized model).", transform: URL.init(fileURLWithPath:))
    var model: URL?
    @Option(help: "Items of the fresh model.") var items: Int = 20108
    @Option(help: "Encoder dimensions of the fresh model, comma-separated.") var dimensions: String = "600,200"
    @Option(help: "Timed batch-1 queries.") var queries: Int = 200
    @Option(name: .customLong("small-batch"), help: "Also time calls of this many queries (--queries calls; 0 skips).")
    var smallBatch: Int = 0
    @Option(name: .customLong("query-items"), help: "Items per query.") var queryItems: Int = 10
    @Option(help: "Items returned per batch-1 query.") var k: Int = 20
    @Option(name: .customLong("warm-up"), help: "Untimed batch-1 queries first.") var warmUp: Int = 20
    @Option(name: .customLong("batch-size"), help: "Users of the throughput measurement (0 skips it).")
    var batchSize: Int = 24576
    @Option(name: .customLong("batch-k"), help: "Items returned per user at the large batch.") var batchK: Int = 100
    @Option(help: "Rounds of the large batch, each followed by the plain sgemm (medians reported).")
    var repetitions: Int = 3
    @OptionGroup var precisionOptions: InferencePrecisionOptions
    @Option(
        help:
            "Prepared dataset of --model: compare test metrics in float32, float16 and (where the CPU has AVX512-BF16) bfloat16.",
        transform: URL.init(fileURLWithPath:))
    var data: URL?
    @Option(help: "Seed of the fresh model and of the random queries.") var seed: UInt64 = 1
    @Flag(help: "Print one JSON object.") var json = false
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        if items < 1 { throw ValidationError("--items must be at least 1") }
        if queries < 1 { throw ValidationError("--queries must be at least 1") }
        if queryItems < 1 { throw ValidationError("--query-items must be at least 1") }
        if k < 1 || batchK < 1 { throw ValidationError("--k and --batch-k must be at least 1") }
        if warmUp < 0 || batchSize < 0 || smallBatch < 0 {
            throw ValidationError("--warm-up, --batch-size and --small-batch must not be negative")
        }
        if repetitions < 1 { throw ValidationError("--repetitions must be at least 1") }
        if data != nil && model == nil { throw ValidationError("--data needs --model") }
        _ = try encoderDimensions()
    }

    var precision: InferencePrecision { precisionOptions.precision }

    func encoderDimensions() throws -> [Int] { try parseEncoderDimensions(dimensions, option: "--dimensions") }

    func run() throws {
        let engine = compute.makeEngine()
        let gemm = engine.gemm
        let threads = compute.threadCount
        let recommender: Recommender
        var source: String
        let file = try model.map { try ModelFile.readModel($0) }
        if let notice = file?.notice { printError("note: \(notice)") }
        if let model, let file {
            recommender = Recommender(file: file, gemm: gemm, threadCount: threads, precision: precision)
            source = model.path
        } else {
            let configuration = MultVAEConfiguration(itemCount: items, encoderDimensions: try encoderDimensions())
            let network = MultVAE(configuration: configuration, seed: seed)
            recommender = Recommender(
                model: network, itemIDs: (0..<items).map(String.init), gemm: gemm, threadCount: threads,
                precision: precision)
            source = "fresh"
        }
        let shape = recommender.description
        var report = InferenceReport(
            model: source, items: shape.itemCount, dimensions: shape.encoderDimensions, precision: precision.rawValue,
            backend: gemm.backendName, threads: threads, loadBefore: InferenceReport.loadAverage())
        printError("model: \(source), \(shape.itemCount) items, \(shape.encoderDimensions), \(precision.rawValue)")

        var random = RandomSource(seed: seed, stream: 0x1A7E)
        let latencyQueries = InferenceBenchmark.randomQueries(
            itemIDs: recommender.itemIDs, count: queries, itemsPerQuery: queryItems, k: k, random: &random)
        report.latency = InferenceBenchmark.measureLatency(recommender, queries: latencyQueries, warmUp: warmUp)
        if smallBatch > 0 {
            let calls = InferenceBenchmark.randomQueries(
                itemIDs: recommender.itemIDs, count: queries * smallBatch, itemsPerQuery: queryItems, k: k,
                random: &random)
            report.smallBatch = smallBatch
            report.smallBatchLatency = InferenceBenchmark.measureLatency(
                recommender, queries: calls, warmUp: warmUp, callSize: smallBatch)
        }

        // EASE has no output layer to compare with a plain GEMM: its batch throughput is not measured.
        if batchSize > 0 && shape.encoderDimensions.isEmpty { printError("no batch throughput for an EASE model") }
        if batchSize > 0, let width = shape.encoderDimensions.first {
            report.batch = InferenceBenchmark.measureBatch(
                recommender, gemm: gemm, users: batchSize, itemsPerQuery: queryItems, k: batchK, width: width,
                repetitions: repetitions, random: &random)
        }
        if let data, let model, let file {
            report.quality = try compareQuality(
                model: model, file: file, data: data, gemm: gemm, threads: threads, executor: engine.executor)
        }
        report.loadAfter = InferenceReport.loadAverage()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            for line in report.lines { print(line) }
        }
    }

    /// Test metrics of `model` (read as `file`) on `data` with float32 and with float16 output weights.
    func compareQuality(
        model: URL, file: ModelFile, data: URL, gemm: GEMM, threads: Int, executor: ParallelExecutor
    ) throws -> [String: [String: Double]] {
        let dataset = try DatasetFile.read(data)
        guard file.header.datasetFingerprint == dataset.fingerprintHex, file.header.itemIDs == dataset.itemIDs else {
            throw CommandFailure("\(model.path) was not trained on \(data.path) (\(dataset.fingerprintHex))")
        }
        var result = [String: [String: Double]]()
        for precision in InferencePrecision.supportedCases {
            let recommender = Recommender(file: file, gemm: gemm, threadCount: threads, precision: precision)
            let evaluator = Evaluator(
                foldIn: dataset.testFoldIn, heldOut: dataset.testHeldOut, batchSize: 500, executor: executor)
            let metrics = evaluator.evaluate { rows, output in
                recommender.scores(foldIn: dataset.testFoldIn, rows: rows, output: output)
            }
            var values = [String: Double]()
            for entry in metrics.entries { values[entry.name] = entry.value }
            values["users"] = Double(metrics.userCount)
            result[precision.rawValue] = values
        }
        return result
    }
}
