import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VAECF
import VAECFServer

/// The server around a real ``Recommender`` loaded from a model file written here.
@Suite("Server with a real model")
struct RealModelTests {
    @Test("recommendations come from the model's catalog, best first, without the user's items")
    func recommend() async throws {
        let folder = try ServerTest.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("tiny.model").path
        try ServerTest.writeModelFile(to: URL(fileURLWithPath: path))
        let recommender = try ServerTest.realLoader(path)
        try await ServerTest.withService(recommender, path: path, loader: ServerTest.realLoader) { service in
            try await Application(router: service.makeRouter()).test(.router) { client in
                let model = try ServerTest.decode(
                    ModelDescription.self, try await client.execute(uri: "/v1/model", method: .get))
                #expect(model.itemCount == 50)
                #expect(model.encoderDimensions == [16, 4])
                #expect(model.datasetFingerprint == "test-1")
                // The file name only: the public API does not tell where the server keeps its files.
                #expect(model.path == "tiny.model")

                let body = ServerTest.body(#"{"items": ["item3", "item7", "ghost"], "k": 10, "exclude": ["item8"]}"#)
                let response = try await client.execute(uri: "/v1/recommend", method: .post, body: body)
                #expect(response.status == .ok)
                let result = try ServerTest.decode(RecommendationResult.self, response)
                #expect(result.items.count == 10)
                #expect(result.unknown == ["ghost"])
                let ids = result.items.map(\.id)
                #expect(Set(ids).isDisjoint(with: ["item3", "item7", "item8"]))
                #expect(ids.allSatisfy { $0.hasPrefix("item") })
                #expect(Set(ids).count == 10)
                let scores = result.items.map(\.score)
                #expect(scores == scores.sorted(by: >))
                #expect(scores.allSatisfy { $0 > 0 && $0 < 1 })

                // The same query alone and inside a batch gives the same answer.
                let direct = recommender.recommend([
                    RecommendationQuery(items: ["item3", "item7", "ghost"], count: 10, exclude: ["item8"])
                ])
                #expect(direct[0] == result)
                let batch = BatchRecommendRequest(users: [
                    RecommendRequest(items: ["item1"], k: 5),
                    RecommendRequest(items: ["item3", "item7", "ghost"], k: 10, exclude: ["item8"]),
                ])
                let batchResponse = try await client.execute(
                    uri: "/v1/recommend/batch", method: .post, body: try ServerTest.body(batch))
                let results = try ServerTest.decode(BatchRecommendResponse.self, batchResponse).results
                #expect(results.count == 2)
                #expect(results[1].items.map(\.id) == ids)
                #expect(results[0].items.count == 5)
                #expect(!results[0].items.map(\.id).contains("item1"))

                let tooMany = try await client.execute(
                    uri: "/v1/recommend", method: .post, body: ServerTest.body(#"{"items": [], "k": 51}"#))
                #expect(try ServerTest.error(tooMany, status: .badRequest).code == "invalid_k")
            }
        }
    }

    @Test("reloading a different model file changes the answers; a corrupt file keeps the old model")
    func reloadFiles() async throws {
        let folder = try ServerTest.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = folder.appendingPathComponent("first.model")
        let second = folder.appendingPathComponent("second.model")
        let corrupt = folder.appendingPathComponent("corrupt.model")
        try ServerTest.writeModelFile(itemCount: 50, seed: 1, to: first)
        try ServerTest.writeModelFile(itemCount: 30, seed: 2, to: second)
        try Data("VAECFMDL garbage".utf8).write(to: corrupt)
        try await ServerTest.withService(
            try ServerTest.realLoader(first.path), path: first.path, loader: ServerTest.realLoader
        ) { service in
            await #expect(throws: APIError.reloadFailed(file: "corrupt.model", reason: .notAModelFile)) {
                try await service.reload(path: corrupt.path)
            }
            #expect(service.backend.itemCount == 50)
            let description = try await service.reload(path: second.path)
            #expect(description.itemCount == 30)
            #expect(description.datasetFingerprint == "test-2")
            let answer = try await service.recommend([RecommendationQuery(items: ["item1"], count: 30)])
            #expect(answer[0].items.count == 29)
        }
    }
}
