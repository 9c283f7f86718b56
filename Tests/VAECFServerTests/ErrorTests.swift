import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VAECF
import VAECFServer

/// Every bad request gets a 4xx JSON error naming the problem, and the server keeps answering.
@Suite("Server bad input")
struct ErrorTests {
    /// Posts `body` to `uri` and returns the error detail after checking `status`.
    private func post(
        _ client: any TestClientProtocol, _ uri: String, _ body: String, status: HTTPResponse.Status,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> APIError.Body.Detail {
        let response = try await client.execute(uri: uri, method: .post, body: ServerTest.body(body))
        return try ServerTest.error(response, status: status, sourceLocation: sourceLocation)
    }

    @Test("malformed JSON and empty bodies")
    func malformed() async throws {
        try await ServerTest.withService(FakeBackend()) { service in
            try await Application(router: service.makeRouter()).test(.router) { client in
                for body in [#"{"items": ["#, "not json", #"{"items": ["a"] "k": 1}"#, ""] {
                    let detail = try await post(client, "/v1/recommend", body, status: .badRequest)
                    #expect(detail.code == "malformed_json", "\(body): \(detail.message)")
                    #expect(detail.message.contains("JSON"))
                }
                #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            }
        }
    }

    @Test("wrong types name the field and the expected type")
    func wrongTypes() async throws {
        try await ServerTest.withService(FakeBackend()) { service in
            try await Application(router: service.makeRouter()).test(.router) { client in
                let cases: [(body: String, field: String, expected: String)] = [
                    (#"{"items": "i1"}"#, "`items`", "an array"),
                    (#"{"items": ["i1", 7]}"#, "`items[1]`", "a string"),
                    (#"{"items": ["i1"], "k": "5"}"#, "`k`", "an integer"),
                    (#"{"items": ["i1"], "k": 1e400}"#, "`k`", "an integer"),
                    (#"{"items": ["i1"], "k": 2.5}"#, "`k`", "an integer"),
                    (#"{"items": ["i1"], "exclude": {"a": 1}}"#, "`exclude`", "an array"),
                    (#"{"items": null}"#, "`items`", "null"),
                    (#"["i1"]"#, "(body)", "an object"),
                ]
                for (body, field, expected) in cases {
                    let detail = try await post(client, "/v1/recommend", body, status: .badRequest)
                    #expect(detail.code == "invalid_type", "\(body): \(detail.message)")
                    #expect(detail.message.contains(field), "\(body): \(detail.message)")
                    #expect(detail.message.contains(expected), "\(body): \(detail.message)")
                }
                let missing = try await post(client, "/v1/recommend", #"{"k": 3}"#, status: .badRequest)
                #expect(missing.code == "missing_field")
                #expect(missing.message.contains("`items`"))
                let nested = try await post(
                    client, "/v1/recommend/batch", #"{"users": [{"items": []}, {"items": [3]}]}"#, status: .badRequest)
                #expect(nested.code == "invalid_type")
                #expect(nested.message.contains("`users[1].items[0]`"), "\(nested.message)")
            }
        }
    }

    @Test("k must be between 1 and the item count")
    func invalidK() async throws {
        try await ServerTest.withService(FakeBackend(itemCount: 30)) { service in
            try await Application(router: service.makeRouter()).test(.router) { client in
                for k in [0, -3, 31, 1_000_000] {
                    let detail = try await post(
                        client, "/v1/recommend", #"{"items": ["i1"], "k": \#(k)}"#, status: .badRequest)
                    #expect(detail.code == "invalid_k")
                    #expect(detail.message.contains("30") && detail.message.contains("got \(k)"), "\(detail.message)")
                }
                let batch = try await post(
                    client, "/v1/recommend/batch", #"{"users": [{"items": [], "k": 1}, {"items": [], "k": 0}]}"#,
                    status: .badRequest)
                #expect(batch.code == "invalid_k")
                #expect(batch.message.contains("`users[1].k`"))
                let edge = try await client.execute(
                    uri: "/v1/recommend", method: .post, body: ServerTest.body(#"{"items": [], "k": 30}"#))
                #expect(edge.status == .ok)
                #expect(try ServerTest.decode(RecommendationResult.self, edge).items.count == 30)
            }
        }
    }

    @Test("more ids than --max-items, empty or oversized batches")
    func tooMany() async throws {
        let limits = ServerLimits(maxItems: 3, maxUsersPerRequest: 2)
        try await ServerTest.withService(FakeBackend(), limits: limits) { service in
            try await Application(router: service.makeRouter()).test(.router) { client in
                let items = try await post(
                    client, "/v1/recommend", #"{"items": ["i1", "i2"], "exclude": ["i3", "i4"]}"#, status: .badRequest)
                #expect(items.code == "too_many_items")
                #expect(items.message.contains("4") && items.message.contains("3"))
                let ok = try await client.execute(
                    uri: "/v1/recommend", method: .post, body: ServerTest.body(#"{"items": ["i1", "i2", "i3"]}"#))
                #expect(ok.status == .ok)
                let empty = try await post(client, "/v1/recommend/batch", #"{"users": []}"#, status: .badRequest)
                #expect(empty.code == "empty_batch")
                let users = try await post(
                    client, "/v1/recommend/batch", #"{"users": [{"items": []}, {"items": []}, {"items": []}]}"#,
                    status: .badRequest)
                #expect(users.code == "too_many_users")
            }
        }
    }

    @Test("a body over --max-body-bytes gets 413")
    func bodyTooLarge() async throws {
        try await ServerTest.withService(FakeBackend(), limits: ServerLimits(maxBodyBytes: 100)) { service in
            try await Application(router: service.makeRouter()).test(.router) { client in
                let ids = (0..<40).map { "\"i\($0)\"" }.joined(separator: ",")
                let detail = try await post(client, "/v1/recommend", #"{"items": [\#(ids)]}"#, status: .contentTooLarge)
                #expect(detail.code == "body_too_large")
                #expect(detail.message.contains("100 bytes"))
                let batch = try await post(
                    client, "/v1/recommend/batch", #"{"users": [{"items": [\#(ids)]}]}"#, status: .contentTooLarge)
                #expect(batch.code == "body_too_large")
                let small = try await client.execute(
                    uri: "/v1/recommend", method: .post, body: ServerTest.body(#"{"items": ["i1"]}"#))
                #expect(small.status == .ok)
            }
        }
    }

    @Test("unknown routes get 404 and wrong methods 405, as JSON")
    func routing() async throws {
        try await ServerTest.withService(FakeBackend()) { service in
            try await Application(router: service.makeRouter()).test(.router) { client in
                for uri in ["/", "/v1", "/v1/recommend/extra", "/admin/reload"] {
                    let response = try await client.execute(uri: uri, method: .get)
                    let detail = try ServerTest.error(response, status: .notFound)
                    #expect(detail.code == "not_found")
                    #expect(detail.message.contains(uri))
                }
                let get = try await client.execute(uri: "/v1/recommend", method: .get)
                let detail = try ServerTest.error(get, status: .methodNotAllowed)
                #expect(detail.code == "method_not_allowed")
                #expect(get.headers[.allow] == "POST")
                let delete = try await client.execute(uri: "/healthz", method: .delete)
                #expect(try ServerTest.error(delete, status: .methodNotAllowed).message.contains("GET"))
                let put = try await client.execute(uri: "/metrics", method: .put, body: ServerTest.body("x"))
                #expect(put.status == .methodNotAllowed)
                #expect(try await client.execute(uri: "/healthz", method: .head).status == .ok)
                #expect(try await client.execute(uri: "/v1/recommend", method: .head).status == .methodNotAllowed)
            }
        }
    }

    @Test("APIError makes a JSON response with its status and a readable description")
    func errorBodyShape() throws {
        let response = APIError(.badRequest, code: "invalid_k", "k is wrong").makeResponse()
        #expect(response.status == .badRequest)
        #expect(response.headers[.contentType] == "application/json; charset=utf-8")
        #expect(APIError(.badRequest, code: "invalid_k", "k is wrong").description == "400 invalid_k: k is wrong")
    }
}
