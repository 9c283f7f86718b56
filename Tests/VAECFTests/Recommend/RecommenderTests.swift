import Foundation
import Testing
@testable import VAECF
import VAECFCompute
import VAECFCore

@Suite("Recommender")
struct RecommenderTests {
    @Test("the top items and scores are the evaluator's ranking of the model's softmax")
    func matchesEvaluatorRanking() {
        let model = RecommendFixture.model()
        let recommender = RecommendFixture.recommender(model)
        let query = RecommendationQuery(items: ["item7", "item3", "item11"], count: 10, exclude: ["item20"])
        let result = recommender.recommend([query])[0]
        let expected = RecommendFixture.reference(model: model, foldIn: [3, 7, 11], excluded: [3, 7, 11, 20], k: 10)
        #expect(result.items.map(\.id) == expected.indices.map { "item\($0)" })
        #expect(result.unknown.isEmpty)
        for (item, probability) in zip(result.items, expected.probabilities) {
            #expect(abs(Double(item.score) - probability) <= 1e-5 * probability, "\(item) vs \(probability)")
        }
        #expect(zip(result.items, result.items.dropFirst()).allSatisfy { $0.score >= $1.score })
    }

    @Test("with thousands of items (candidate ranking), the top items are still the evaluator's ranking")
    func largeCatalog() {
        let model = RecommendFixture.model(seed: 21, itemCount: 3000)
        let recommender = Recommender(
            model: model, itemIDs: RecommendFixture.itemIDs(3000), gemm: .portable(threadCount: 2), threadCount: 2)
        let results = recommender.recommend([
            RecommendationQuery(items: ["item5", "item2999", "item1700"], count: 25, exclude: ["item6"]),
            RecommendationQuery(items: [], count: 40),
        ])
        let first = RecommendFixture.reference(
            model: model, foldIn: [5, 1700, 2999], excluded: [5, 6, 1700, 2999], k: 25)
        let second = RecommendFixture.reference(model: model, foldIn: [], excluded: [], k: 40)
        #expect(results[0].items.map(\.id) == first.indices.map { "item\($0)" })
        #expect(results[1].items.map(\.id) == second.indices.map { "item\($0)" })
        for (item, probability) in zip(results[0].items, first.probabilities) {
            #expect(abs(Double(item.score) - probability) <= 1e-5 * probability)
        }
    }

    @Test("one call for many queries gives the answers of one call per query (exactly up to the small-batch limit)")
    func batchEqualsSingle() {
        let recommender = RecommendFixture.recommender()
        let limit = recommender.smallBatchRowLimit
        #expect(limit >= 8)
        let queries = RecommendFixture.randomQueries(count: limit + 8, k: 7)
        let single = queries.map { recommender.recommend([$0])[0] }
        // Up to the limit, every call runs the small-batch kernel: a user's values do not depend on the others.
        #expect(recommender.recommend(Array(queries.prefix(limit))) == Array(single.prefix(limit)))
        // Above it the GEMM runs: the same items, scores equal up to float rounding.
        let batch = recommender.recommend(queries)
        #expect(batch.count == queries.count && batch.allSatisfy { $0.items.count == 7 })
        for (many, one) in zip(batch, single) {
            #expect(many.items.map(\.id) == one.items.map(\.id))
            for (a, b) in zip(many.items, one.items) { #expect(abs(a.score - b.score) <= 1e-5 * b.score) }
        }
    }

    @Test("queries beyond one forward pass are split into blocks with the same answers")
    func blocks() {
        let model = RecommendFixture.model()
        let blocked = Recommender(
            model: model, itemIDs: RecommendFixture.itemIDs(), gemm: .portable(threadCount: 2), threadCount: 2,
            blockRows: 4)
        #expect(blocked.blockRows == 4)
        #expect(RecommendFixture.recommender(model).blockRows == 4096)
        let queries = RecommendFixture.randomQueries(count: 11, k: 6, seed: 5)
        #expect(blocked.recommend(queries) == RecommendFixture.recommender(model).recommend(queries))
    }

    @Test("the user's items and the excluded items never appear; every other item can")
    func exclusions() {
        let recommender = RecommendFixture.recommender()
        let query = RecommendationQuery(
            items: ["item1", "item2", "item1"], count: 1000, exclude: ["item3", "item2", "nope"])
        let result = recommender.recommend([query])[0]
        let ids = result.items.map(\.id)
        #expect(ids.count == 47)
        #expect(Set(ids).count == 47)
        #expect(Set(ids).isDisjoint(with: ["item1", "item2", "item3"]))
        #expect(result.unknown == ["nope"])
    }

    @Test("unknown ids are reported once each, in order; duplicates count once")
    func unknownAndDuplicates() {
        let recommender = RecommendFixture.recommender()
        let result = recommender.recommend([
            RecommendationQuery(items: ["x", "item4", "x", "y", "item4"], count: 5, exclude: ["z", "y"]),
            RecommendationQuery(items: ["item4"], count: 5),
        ])
        #expect(result[0].unknown == ["x", "y", "z"])
        #expect(result[0].items == result[1].items)
        #expect(result[1].unknown.isEmpty)
    }

    @Test("k <= 0 gives no items, k above the candidates gives all of them, unknown-only users get the prior")
    func counts() {
        let recommender = RecommendFixture.recommender()
        let results = recommender.recommend([
            RecommendationQuery(items: ["item0"], count: 0),
            RecommendationQuery(items: ["item0", "ghost"], count: -3),
            RecommendationQuery(items: ["item0"], count: 51),
            RecommendationQuery(items: ["ghost"], count: 50),
            RecommendationQuery(items: [], count: 50),
        ])
        #expect(results[0].items.isEmpty && results[0].unknown.isEmpty)
        #expect(results[1].items.isEmpty && results[1].unknown == ["ghost"])
        #expect(results[2].items.count == 49)
        #expect(results[3].items.count == 50 && results[3].unknown == ["ghost"])
        #expect(results[3].items == results[4].items)
        // With nothing excluded, the scores are the whole softmax.
        let total = results[4].items.reduce(0.0) { $0 + Double($1.score) }
        #expect(abs(total - 1) < 1e-4, "\(total)")
    }

    @Test("a model file loads with its description; a missing file is a ModelFileError naming it")
    func loading() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vaecf-rec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model")
        let model = RecommendFixture.model()
        try RecommendFixture.file(model).write(to: url)
        let recommender = try Recommender.load(
            url, gemm: .portable(threadCount: 1), threadCount: 1, precision: .float16)
        let description = recommender.description
        #expect(description.itemCount == 50 && recommender.itemCount == 50)
        #expect(description.encoderDimensions == [16, 4])
        #expect(description.activation == "tanh")
        #expect(description.precision == "float16")
        #expect(description.datasetFingerprint == "fixture")
        #expect(description.epochs == 3)
        #expect(description.path == url.path)
        #expect(description.validation == ["ndcg@100": 0.25, "recall@20": 0.5, "users": 7])
        #expect(recommender.index(of: "item9") == 9 && recommender.index(of: "nine") == nil)
        let missing = folder.appendingPathComponent("absent")
        #expect { _ = try Recommender.load(missing, gemm: .portable(threadCount: 1), threadCount: 1) } throws: {
            guard case .unreadable(let path, _)? = $0 as? ModelFileError else { return false }
            return path == missing.path
        }
    }

    @Test("concurrent callers get the answers of serial calls")
    func concurrentCalls() async {
        let recommender = RecommendFixture.recommender()
        let queries = RecommendFixture.randomQueries(count: 24, k: 5, seed: 2)
        let serial = queries.map { recommender.recommend([$0])[0] }
        let parallel = await withTaskGroup(of: (Int, RecommendationResult).self) { group in
            for (index, query) in queries.enumerated() {
                group.addTask { (index, recommender.recommend([query])[0]) }
            }
            var results = [RecommendationResult?](repeating: nil, count: queries.count)
            for await (index, result) in group { results[index] = result }
            return results
        }
        #expect(parallel.map { $0! } == serial)
    }

    @Test("scores(foldIn:rows:output:) gives the engine's logits in float32")
    func logitsMatchEngine() {
        let model = RecommendFixture.model()
        let recommender = RecommendFixture.recommender(model)
        let foldIn = CSRMatrix(columnCount: 50, rows: [[1, 2], [], [5, 9, 49]])
        var expected = [Float](repeating: 0, count: 150)
        var actual = [Float](repeating: 1, count: 150)
        let engine = MultVAEEngine(gemm: .portable(threadCount: 2), executor: ParallelExecutor(threadCount: 2))
        engine.scores(model: model, foldIn: foldIn, rows: 0..<3, output: &expected)
        recommender.scores(foldIn: foldIn, rows: 0..<3, output: &actual)
        // Three rows run the small-batch kernel: the GEMM's values up to float rounding.
        for (value, reference) in zip(actual, expected) {
            #expect(abs(value - reference) <= 1e-5 * max(1, abs(reference)))
        }
        #expect(actual != [Float](repeating: 1, count: 150))
    }

    @Test("float32 scores above the small-batch limit are the engine's, bit for bit")
    func logitsMatchEngineAboveSmallBatch() {
        let model = RecommendFixture.model()
        let recommender = RecommendFixture.recommender(model)
        let rows = recommender.smallBatchRowLimit + 3
        let foldIn = CSRMatrix(columnCount: 50, rows: (0..<rows).map { [Int32($0 % 25), Int32(25 + ($0 * 7) % 25)] })
        var expected = [Float](repeating: 0, count: rows * 50)
        var actual = [Float](repeating: 1, count: rows * 50)
        let engine = MultVAEEngine(gemm: .portable(threadCount: 2), executor: ParallelExecutor(threadCount: 2))
        engine.scores(model: model, foldIn: foldIn, rows: 0..<rows, output: &expected)
        recommender.scores(foldIn: foldIn, rows: 0..<rows, output: &actual)
        #expect(actual == expected)
    }
}
