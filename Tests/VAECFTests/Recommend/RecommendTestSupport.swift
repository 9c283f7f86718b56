import Foundation
@testable import VAECF
import VAECFCompute
import VAECFCore

/// Small models and queries for the recommendation tests.
enum RecommendFixture {
    static let itemCount = 50

    /// A freshly initialized model of 50 items with encoder `[16, 4]`.
    static func model(seed: UInt64 = 3, itemCount: Int = itemCount) -> MultVAE {
        MultVAE(configuration: MultVAEConfiguration(itemCount: itemCount, encoderDimensions: [16, 4]), seed: seed)
    }

    /// `"item0"`, `"item1"`, ...
    static func itemIDs(_ count: Int = itemCount) -> [String] { (0..<count).map { "item\($0)" } }

    /// A recommender on the portable GEMM (bitwise reproducible for every batch size) with two threads.
    static func recommender(
        _ model: MultVAE = model(), precision: InferencePrecision = .float32
    ) -> Recommender {
        Recommender(
            model: model, itemIDs: itemIDs(model.configuration.itemCount), gemm: .portable(threadCount: 2),
            threadCount: 2, precision: precision)
    }

    /// A model file around `model`, as `vaecf train` writes it.
    static func file(_ model: MultVAE, fingerprint: String = "fixture") -> ModelFile {
        ModelFile(
            header: .init(
                kind: .model, model: model.configuration, training: nil,
                itemIDs: itemIDs(model.configuration.itemCount),
                datasetFingerprint: fingerprint, epoch: 3, step: 30, bestEpoch: 2,
                validation: RankingMetrics(ndcg: [100: 0.25], recall: [20: 0.5], userCount: 7), backend: "portable",
                threads: 1),
            parameters: model.parameters.array, optimizer: nil, bestParameters: nil)
    }

    /// `count` queries of 1 to 6 random items, some with exclusions.
    static func randomQueries(count: Int, k: Int, seed: UInt64 = 11) -> [RecommendationQuery] {
        var random = RandomSource(seed: seed)
        let ids = itemIDs()
        return (0..<count).map { index in
            let items = random.sample(count: 1 + random.nextInt(below: 6), from: ids.count).map { ids[$0] }
            let exclude = index % 3 == 0 ? [ids[random.nextInt(below: ids.count)]] : []
            return RecommendationQuery(items: items, count: k, exclude: exclude)
        }
    }

    /// The evaluator's way: logits from `MultVAEEngine.scores`, then `TopK.select` without the fold-in.
    static func reference(
        model: MultVAE, foldIn: [Int32], excluded: [Int32], k: Int
    ) -> (indices: [Int32], probabilities: [Double]) {
        let items = model.configuration.itemCount
        let engine = MultVAEEngine(gemm: .portable(threadCount: 1), executor: ParallelExecutor(threadCount: 1))
        var logits = [Float](repeating: 0, count: items)
        logits.withUnsafeMutableBufferPointer { output in
            engine.scores(
                model: model, foldIn: CSRMatrix(columnCount: items, rows: [foldIn]), rows: 0..<1,
                output: output.baseAddress!)
        }
        var indices = [Int32](repeating: 0, count: k)
        var values = [Float](repeating: 0, count: k)
        let selected = logits.withUnsafeBufferPointer { scores in
            excluded.sorted().withUnsafeBufferPointer { excluding in
                TopK.select(
                    scores: scores.baseAddress!, count: items, k: k, excluding: excluding, indices: &indices,
                    values: &values)
            }
        }
        let largest = Double(logits.max()!)
        let normalizer = largest + log(logits.reduce(0.0) { $0 + exp(Double($1) - largest) })
        return (Array(indices.prefix(selected)), values.prefix(selected).map { exp(Double($0) - normalizer) })
    }

    /// How far `approximate` answers are from `exact` ones: the total top-k overlap and the largest relative
    /// score difference of an item both return.
    static func agreement(
        _ exact: [RecommendationResult], _ approximate: [RecommendationResult]
    ) -> (overlap: Int, worstRelativeDifference: Double) {
        var overlap = 0
        var worst = 0.0
        for (a, b) in zip(exact, approximate) {
            overlap += Set(a.items.map(\.id)).intersection(b.items.map(\.id)).count
            let scores = Dictionary(uniqueKeysWithValues: b.items.map { ($0.id, $0.score) })
            for item in a.items {
                if let other = scores[item.id] { worst = max(worst, Double(abs(other - item.score) / item.score)) }
            }
        }
        return (overlap, worst)
    }

    /// 30 random queries (top 10) answered in float32 and in `precision` by recommenders of one model.
    static func againstFloat32(
        _ precision: InferencePrecision
    ) -> (
        narrow: Recommender, queries: [RecommendationQuery], answers: [RecommendationResult], overlap: Int,
        worstRelativeDifference: Double
    ) {
        let model = model(seed: 8)
        let narrow = recommender(model, precision: precision)
        let queries = randomQueries(count: 30, k: 10, seed: 6)
        let answers = narrow.recommend(queries)
        let (overlap, worst) = agreement(recommender(model, precision: .float32).recommend(queries), answers)
        return (narrow, queries, answers, overlap, worst)
    }
}
