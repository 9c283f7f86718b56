import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import VAECF
import VAECFCompute
import VAECFCore
import VAECFServer

/// The server, unchanged, around a Mult-DAE, an EASE and a RecVAE model file.
@Suite("Server with every model kind")
struct ModelKindServingTests {
    static let itemCount = 40
    static let itemIDs = (0..<itemCount).map { "item\($0)" }

    /// A Mult-DAE file with seeded random weights.
    static func writeDenoising(to url: URL) throws {
        let model = MultVAE(
            configuration: MultVAEConfiguration(itemCount: itemCount, encoderDimensions: [12, 4], variational: false),
            seed: 2)
        let header = ModelFile.Header(
            kind: .model, model: model.configuration, training: nil, itemIDs: itemIDs, datasetFingerprint: "dae",
            epoch: 1, step: 1, bestEpoch: 0, validation: nil, backend: "portable", threads: 1, modelKind: .multdae)
        try ModelFile(header: header, parameters: model.parameters.array, optimizer: nil, bestParameters: nil).write(
            to: url)
    }

    /// A RecVAE file with seeded random weights.
    static func writeRecVAE(to url: URL) throws {
        let model = MultVAE(
            configuration: MultVAEConfiguration(
                itemCount: itemCount, encoderDimensions: [12, 4], recVAE: RecVAESettings(hiddenLayers: 2)),
            seed: 2)
        let header = ModelFile.Header(
            kind: .model, model: model.configuration, training: nil, itemIDs: itemIDs, datasetFingerprint: "recvae",
            epoch: 1, step: 1, bestEpoch: 0, validation: nil, backend: "portable", threads: 1, modelKind: .recvae)
        try ModelFile(header: header, parameters: model.parameters.array, optimizer: nil, bestParameters: nil).write(
            to: url)
    }

    /// An EASE file fitted on seeded random interactions.
    static func writeEASE(to url: URL) throws {
        var random = RandomSource(seed: 4)
        let rows: [[Int32]] = (0..<120).map { _ in
            (0..<itemCount).filter { _ in random.nextDouble() < 0.2 }.map(Int32.init)
        }
        let train = CSRMatrix(columnCount: itemCount, rows: rows)
        let solver = EASESolver(lambda: 10, gemm: .portable(threadCount: 1), executor: ParallelExecutor(threadCount: 1))
        let model = try solver.fit(train: train).model
        try model.modelFile(
            itemIDs: itemIDs, datasetFingerprint: "ease", validation: nil, gemm: .portable(threadCount: 1), threads: 1
        )
        .write(to: url)
    }

    @Test(
        "GET /v1/model names the kind; POST /v1/recommend ranks without the user's items",
        arguments: ["multdae", "ease", "recvae"])
    func serves(kind: String) async throws {
        let folder = try ServerTest.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("\(kind).model")
        switch kind {
        case "ease": try Self.writeEASE(to: url)
        case "recvae": try Self.writeRecVAE(to: url)
        default: try Self.writeDenoising(to: url)
        }
        let recommender = try ServerTest.realLoader(url.path)
        try await ServerTest.withService(recommender, path: url.path, loader: ServerTest.realLoader) { service in
            try await Application(router: service.makeRouter()).test(.router) { client in
                let model = try ServerTest.decode(
                    ModelDescription.self, try await client.execute(uri: "/v1/model", method: .get))
                #expect(model.model == kind && model.itemCount == Self.itemCount)
                #expect(kind != "recvae" || model.activation == "swish")
                let body = ServerTest.body(#"{"items": ["item3", "item7"], "k": 8, "exclude": ["item8"]}"#)
                let response = try await client.execute(uri: "/v1/recommend", method: .post, body: body)
                #expect(response.status == .ok)
                let result = try ServerTest.decode(RecommendationResult.self, response)
                let ids = result.items.map(\.id)
                #expect(ids.count == 8 && Set(ids).count == 8)
                #expect(Set(ids).isDisjoint(with: ["item3", "item7", "item8"]))
                let scores = result.items.map(\.score)
                #expect(scores == scores.sorted(by: >))
                let direct = recommender.recommend([
                    RecommendationQuery(items: ["item3", "item7"], count: 8, exclude: ["item8"])
                ])
                #expect(direct[0].items.map(\.id) == ids)
            }
        }
    }
}
