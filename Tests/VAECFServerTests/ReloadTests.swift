import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VAECF
import VAECFServer

@Suite("Server model reload")
struct ReloadTests {
    /// Loads fake backends named by the file name: `"fake-<prefix>"` (in the reload directory, the current
    /// folder); anything else fails.
    static let fakeLoader: BackendLoader = { path in
        let name = URL(fileURLWithPath: path).lastPathComponent
        guard name.hasPrefix("fake-") else { throw LoaderError(path: path) }
        return FakeBackend(itemCount: 20, prefix: String(name.dropFirst(5)), tag: 7, delay: 0.005)
    }

    struct LoaderError: Error, CustomStringConvertible {
        let path: String
        var description: String { "no such model \(path)" }
    }

    @Test("swapping the model while requests run drops none; later requests use the new model")
    func swapUnderLoad() async throws {
        let old = FakeBackend(itemCount: 20, prefix: "a", tag: 1, delay: 0.005)
        try await ServerTest.withService(old, path: "fake-a", loader: Self.fakeLoader) { service in
            try await Application(router: service.makeRouter()).test(.router) { client in
                let prefixes = try await withThrowingTaskGroup(of: String.self) { group in
                    for user in 0..<60 {
                        group.addTask {
                            if user == 20 { _ = try await service.reload(path: "fake-b") }
                            let response = try await client.execute(
                                uri: "/v1/recommend", method: .post, body: ServerTest.body(#"{"items": [], "k": 1}"#))
                            #expect(response.status == .ok)
                            let id = try ServerTest.decode(RecommendationResult.self, response).items[0].id
                            return String(id.prefix(1))
                        }
                    }
                    var prefixes = [String]()
                    for try await prefix in group { prefixes.append(prefix) }
                    return prefixes
                }
                #expect(prefixes.count == 60)
                #expect(Set(prefixes).isSubset(of: ["a", "b"]))
                #expect(prefixes.contains("b"))
                let after = try await client.execute(
                    uri: "/v1/recommend", method: .post, body: ServerTest.body(#"{"items": [], "k": 1}"#))
                #expect(try ServerTest.decode(RecommendationResult.self, after).items[0].id == "b0")
                let model = try await client.execute(uri: "/v1/model", method: .get)
                #expect(try ServerTest.decode(ModelDescription.self, model).path == "b")
            }
        }
    }

    @Test("POST /admin/reload swaps the model, reports failures as JSON and keeps the old model")
    func adminEndpoint() async throws {
        try await ServerTest.withService(FakeBackend(prefix: "a"), path: "fake-a", loader: Self.fakeLoader) { service in
            let api = Application(router: service.makeRouter())
            try await Application(router: service.makeAdminRouter()).test(.router) { admin in
                let failed = try await admin.execute(
                    uri: "/admin/reload", method: .post, body: ServerTest.body(#"{"path": "missing.model"}"#))
                let detail = try ServerTest.error(failed, status: .unprocessableContent)
                #expect(detail == APIError.reloadFailed(file: "missing.model", reason: .noSuchFile).detail)
                try await api.test(.router) { client in
                    let model = try await client.execute(uri: "/v1/model", method: .get)
                    #expect(try ServerTest.decode(ModelDescription.self, model).path == "a")
                }

                let reloaded = try await admin.execute(
                    uri: "/admin/reload", method: .post, body: ServerTest.body(#"{"path": "fake-c"}"#))
                #expect(reloaded.status == .ok)
                let answer = try ServerTest.decode(ReloadResponse.self, reloaded)
                #expect(answer.status == "reloaded")
                #expect(answer.model.path == "c")
                #expect(answer.model.itemCount == 20)

                // Without a body the current file (now fake-c) is read again.
                let again = try await admin.execute(uri: "/admin/reload", method: .post)
                #expect(try ServerTest.decode(ReloadResponse.self, again).model.path == "c")

                let malformed = try await admin.execute(
                    uri: "/admin/reload", method: .post, body: ServerTest.body(#"{"path": 3}"#))
                #expect(try ServerTest.error(malformed, status: .badRequest).code == "invalid_type")
                let wrongMethod = try await admin.execute(uri: "/admin/reload", method: .get)
                #expect(try ServerTest.error(wrongMethod, status: .methodNotAllowed).code == "method_not_allowed")
                let recommend = try await admin.execute(
                    uri: "/v1/recommend", method: .post, body: ServerTest.body("{}"))
                #expect(try ServerTest.error(recommend, status: .notFound).code == "not_found")
                #expect(try await admin.execute(uri: "/healthz", method: .get).status == .ok)
            }
            try await api.test(.router) { client in
                let text = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
                #expect(text.contains(#"vaecf_model_reloads_total{result="failure"} 1"#))
                #expect(text.contains(#"vaecf_model_reloads_total{result="success"} 3"#))
                #expect(text.contains("vaecf_model_items 20"))
            }
        }
    }

    @Test("a service without a loader refuses to reload")
    func noLoader() async throws {
        try await ServerTest.withService(FakeBackend()) { service in
            try await Application(router: service.makeAdminRouter()).test(.router) { admin in
                let response = try await admin.execute(uri: "/admin/reload", method: .post)
                #expect(try ServerTest.error(response, status: .conflict).code == "reload_unavailable")
            }
        }
    }
}
