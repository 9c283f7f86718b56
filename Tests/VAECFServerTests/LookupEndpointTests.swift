import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import VAECF
import VAECFCompute
import VAECFCore
import VAECFServer

/// `GET /v1/items/{id}/similar` and `GET /v1/users/{id}/recommendations` on a real model.
@Suite("Server: similar items and known users")
struct LookupEndpointTests {
    static let itemIDs = ["a b"] + (1..<30).map { "item\($0)" }

    /// A real 30-item recommender keeping users "u1" (items 1, 2, 3) and "u/2" (no items).
    static func recommender(users: Bool = true, seed: UInt64 = 5) throws -> Recommender {
        let model = MultVAE(
            configuration: MultVAEConfiguration(itemCount: itemIDs.count, encoderDimensions: [8, 4]), seed: seed)
        let trainingUsers =
            users
            ? try TrainingUsers(
                userIDs: ["u1", "u/2"], rows: CSRMatrix(columnCount: itemIDs.count, rows: [[1, 2, 3], []]))
            : nil
        return Recommender(
            trained: .autoencoder(model), itemIDs: itemIDs, gemm: .portable(threadCount: 1), threadCount: 1,
            trainingUsers: trainingUsers)
    }

    @Test("similar items: the library's answer, percent-decoded ids, k checked, 404 for unknown items")
    func similarItems() async throws {
        let recommender = try Self.recommender()
        try await ServerTest.withService(recommender) { service in
            try await Application(router: service.makeRouter()).test(.router) { client in
                let response = try await client.execute(uri: "/v1/items/item4/similar?k=3", method: .get)
                #expect(response.status == .ok)
                let answer = try ServerTest.decode(SimilarItemsResponse.self, response)
                #expect(answer.item == "item4")
                #expect(
                    answer.items == (try recommender.similarItems(SimilarItemsQuery(item: "item4", count: 3))).items)
                let encoded = try await client.execute(uri: "/v1/items/a%20b/similar", method: .get)
                let decoded = try ServerTest.decode(SimilarItemsResponse.self, encoded)
                #expect(decoded.item == "a b" && decoded.items.count == RecommendRequest.defaultK)
                #expect(!decoded.items.contains { $0.id == "a b" })
                let unknown = try await client.execute(uri: "/v1/items/ghost/similar?k=3", method: .get)
                #expect(try ServerTest.error(unknown, status: .notFound).code == "unknown_item")
                for k in ["0", "31", "abc", "2.5", ""] {
                    let bad = try await client.execute(uri: "/v1/items/item4/similar?k=\(k)", method: .get)
                    #expect(try ServerTest.error(bad, status: .badRequest).code == "invalid_k")
                }
                let post = try await client.execute(uri: "/v1/items/item4/similar", method: .post)
                #expect(try ServerTest.error(post, status: .methodNotAllowed).code == "method_not_allowed")
                #expect(post.headers[.allow] == "GET, HEAD")
                let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
                #expect(metrics.contains("vaecf_similar_items_total 3"))
                #expect(metrics.contains(#"route="/v1/items/{id}/similar""#))
            }
        }
    }

    @Test("known users: the library's answer without their items; 404 for unknown users and models without users")
    func knownUsers() async throws {
        let recommender = try Self.recommender()
        try await ServerTest.withService(recommender) { service in
            try await Application(router: service.makeRouter()).test(.router) { client in
                let response = try await client.execute(uri: "/v1/users/u1/recommendations?k=5", method: .get)
                #expect(response.status == .ok)
                let result = try ServerTest.decode(RecommendationResult.self, response)
                #expect(result == (try recommender.recommend(user: "u1", count: 5)))
                #expect(Set(result.items.map(\.id)).isDisjoint(with: ["item1", "item2", "item3"]))
                let slash = try await client.execute(uri: "/v1/users/u%2F2/recommendations?k=2", method: .get)
                #expect(try ServerTest.decode(RecommendationResult.self, slash).items.count == 2)
                let unknown = try await client.execute(uri: "/v1/users/nobody/recommendations", method: .get)
                #expect(try ServerTest.error(unknown, status: .notFound).code == "unknown_user")
                let bad = try await client.execute(uri: "/v1/users/u1/recommendations?k=-1", method: .get)
                #expect(try ServerTest.error(bad, status: .badRequest).code == "invalid_k")
                let delete = try await client.execute(uri: "/v1/users/u1/recommendations", method: .delete)
                #expect(try ServerTest.error(delete, status: .methodNotAllowed).code == "method_not_allowed")
            }
        }
        try await ServerTest.withService(try Self.recommender(users: false)) { service in
            try await Application(router: service.makeRouter()).test(.router) { client in
                let response = try await client.execute(uri: "/v1/users/u1/recommendations", method: .get)
                #expect(try ServerTest.error(response, status: .notFound).code == "no_user_histories")
            }
        }
    }

    @Test("a backend that cannot look up ids answers 501")
    func unsupportedBackend() async throws {
        try await ServerTest.withService(FakeBackend()) { service in
            try await Application(router: service.makeRouter()).test(.router) { client in
                for uri in ["/v1/items/i1/similar", "/v1/users/u1/recommendations"] {
                    let response = try await client.execute(uri: uri, method: .get)
                    #expect(try ServerTest.error(response, status: .notImplemented).code == "not_supported")
                }
            }
        }
    }

    @Test("after /admin/reload both endpoints answer from the new model")
    func afterReload() async throws {
        let folder = try ServerTest.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let withUsers = folder.appendingPathComponent("users.model")
        let withoutUsers = folder.appendingPathComponent("plain.model")
        try ServerTest.writeModelFile(seed: 9, to: withUsers)
        var file = try ModelFile.read(withUsers)
        file.trainingUsers = try TrainingUsers(userIDs: ["x"], rows: CSRMatrix(columnCount: 50, rows: [[0, 1]]))
        try file.write(to: withUsers)
        try ServerTest.writeModelFile(seed: 2, to: withoutUsers)
        let first = try ServerTest.realLoader(withUsers.path)
        try await ServerTest.withService(first, path: withUsers.path, loader: ServerTest.realLoader) { service in
            try await Application(router: service.makeRouter()).test(.router) { client in
                let before = try await client.execute(uri: "/v1/users/x/recommendations?k=3", method: .get)
                #expect(before.status == .ok)
                let similarBefore = try ServerTest.decode(
                    SimilarItemsResponse.self,
                    try await client.execute(uri: "/v1/items/item0/similar?k=5", method: .get))
                _ = try await service.reload(path: withoutUsers.path)
                let after = try await client.execute(uri: "/v1/users/x/recommendations?k=3", method: .get)
                #expect(try ServerTest.error(after, status: .notFound).code == "no_user_histories")
                let similarAfter = try ServerTest.decode(
                    SimilarItemsResponse.self,
                    try await client.execute(uri: "/v1/items/item0/similar?k=5", method: .get))
                let expected = try (service.backend as? Recommender)?.similarItems(
                    SimilarItemsQuery(item: "item0", count: 5))
                #expect(similarAfter.items == expected?.items)
                #expect(similarAfter.items != similarBefore.items)
            }
        }
    }
}
