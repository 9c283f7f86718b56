import Foundation
import Testing
@testable import VAECF
import VAECFCompute
import VAECFCore

/// Similar items: cosine over the first encoder layer's rows (Mult-VAE) or the columns of `B` (EASE).
@Suite("Similar items")
struct SimilarItemsTests {
    /// A 4-item Mult-VAE whose first encoder layer's rows (3-d) are item0 = item1 = (1, 0, 0), item2 = (0, 1, 0),
    /// item3 = (1, 1, 0); every other weight zero.
    static func handMadeModel() -> MultVAE {
        let configuration = MultVAEConfiguration(itemCount: 4, encoderDimensions: [3, 2])
        let model = MultVAE(
            configuration: configuration,
            parameters: [Float](repeating: 0, count: ParameterLayout(configuration: configuration).count))
        let input = model.layout.tensors[model.layout.encoder[0].weight]
        #expect(input.rows == 4 && input.columns == 3)
        let rows: [[Float]] = [[1, 0, 0], [1, 0, 0], [0, 1, 0], [1, 1, 0]]
        (model.parameters.pointer + input.offset).update(from: rows.flatMap { $0 }, count: 12)
        return model
    }

    static func recommender(_ model: TrainedModel, trainingUsers: TrainingUsers? = nil) -> Recommender {
        Recommender(
            trained: model, itemIDs: RecommendFixture.itemIDs(model.itemCount), gemm: .portable(threadCount: 2),
            threadCount: 2, trainingUsers: trainingUsers)
    }

    /// The cosine of two vectors in Double.
    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        let dot = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let norms = (a.reduce(0.0) { $0 + Double($1) * Double($1) } * b.reduce(0.0) { $0 + Double($1) * Double($1) })
            .squareRoot()
        return norms == 0 ? 0 : dot / norms
    }

    @Test("two items with identical vectors are each other's nearest neighbour; the item itself never appears")
    func identicalVectors() throws {
        let recommender = Self.recommender(.autoencoder(Self.handMadeModel()))
        let first = try recommender.similarItems(SimilarItemsQuery(item: "item0", count: 10))
        #expect(first.items.map(\.id) == ["item1", "item3", "item2"])
        #expect(abs(Double(first.items[0].score) - 1) < 1e-6)
        #expect(abs(Double(first.items[1].score) - 0.5.squareRoot()) < 1e-6)
        #expect(abs(Double(first.items[2].score)) < 1e-6)
        let second = try recommender.similarItems(SimilarItemsQuery(item: "item1", count: 1))
        #expect(second.items.map(\.id) == ["item0"])
    }

    @Test("cosines equal a direct Double computation over the first encoder layer's rows, in batches too")
    func cosinesMatchDirectComputation() throws {
        let model = RecommendFixture.model()
        let items = model.configuration.itemCount
        let input = model.layout.tensors[model.layout.encoder[0].weight]
        let inputWeights = model.parameters.pointer + input.offset
        let row = { (item: Int) in (0..<input.columns).map { inputWeights[item * input.columns + $0] } }
        let expected = { (a: Int, b: Int) in Self.cosine(row(a), row(b)) }
        let recommender = RecommendFixture.recommender(model)
        let queries = [0, 7, 49].map { SimilarItemsQuery(item: "item\($0)", count: items) }
        let results = try recommender.similarItems(queries)
        for (query, result) in zip([0, 7, 49], results) {
            #expect(result.items.count == items - 1)
            #expect(!result.items.contains { $0.id == "item\(query)" })
            for scored in result.items {
                let other = try #require(Int(scored.id.dropFirst(4)))
                #expect(abs(Double(scored.score) - expected(query, other)) < 1e-5)
            }
            #expect(result.items.map(\.score) == result.items.map(\.score).sorted(by: >))
        }
        #expect(try recommender.similarItems(queries[1]) == results[1])
    }

    @Test("EASE: cosine over the columns of B")
    func easeColumns() throws {
        let items = 5
        var random = RandomSource(seed: 4)
        let weights = (0..<(items * items)).map { $0 % (items + 1) == 0 ? Float(0) : Float(random.nextDouble() - 0.5) }
        let recommender = Self.recommender(.ease(EASEModel(itemCount: items, lambda: 1, weights: weights)))
        let column = { (item: Int) in (0..<items).map { weights[$0 * items + item] } }
        let result = try recommender.similarItems(SimilarItemsQuery(item: "item2", count: 10))
        #expect(result.items.count == items - 1)
        for scored in result.items {
            let other = try #require(Int(scored.id.dropFirst(4)))
            #expect(abs(Double(scored.score) - Self.cosine(column(2), column(other))) < 1e-5)
        }
    }

    @Test("allow and deny lists restrict the answer; unknown ids in them are reported")
    func allowAndDeny() throws {
        let recommender = Self.recommender(.autoencoder(Self.handMadeModel()))
        let denied = try recommender.similarItems(
            SimilarItemsQuery(item: "item0", count: 10, deny: ["item1", "ghost"]))
        #expect(denied.items.map(\.id) == ["item3", "item2"])
        #expect(denied.unknown == ["ghost"])
        let allowed = try recommender.similarItems(
            SimilarItemsQuery(item: "item0", count: 10, allow: ["item2", "item0", "nope"], deny: []))
        #expect(allowed.items.map(\.id) == ["item2"])
        #expect(allowed.unknown == ["nope"])
        #expect(try recommender.similarItems(SimilarItemsQuery(item: "item0", count: 0)).items.isEmpty)
    }

    @Test("an unknown item is the unknownItem error naming it")
    func unknownItem() {
        let recommender = Self.recommender(.autoencoder(Self.handMadeModel()))
        #expect(throws: RecommenderError.unknownItem("ghost")) {
            try recommender.similarItems([SimilarItemsQuery(item: "item0"), SimilarItemsQuery(item: "ghost")])
        }
        #expect(RecommenderError.unknownItem("ghost").localizedDescription.contains("\"ghost\""))
    }
}
