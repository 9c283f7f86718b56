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
                for body in [#"{"items": ["#, "not json", #"{"items": ["a"] "k": 1}"#] {
                    let detail = try await post(client, "/v1/recommend", body, status: .badRequest)
                    #expect(detail.code == "malformed_json", "\(body): \(detail.message)")
                }
                #expect(try await post(client, "/v1/recommend", "", status: .badRequest) == APIError.emptyBody.detail)
                #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            }
        }
    }

    @Test("wrong types name the field and the expected type")
    func wrongTypes() async throws {
        try await ServerTest.withService(FakeBackend()) { service in
            try await Application(router: service.makeRouter()).test(.router) { client in
                let cases: [(body: String, error: APIError)] = [
                    (#"{"items": "i1"}"#, .wrongType(field: "items", expected: "an array")),
                    (#"{"items": ["i1", 7]}"#, .wrongType(field: "items[1]", expected: "a string")),
                    (#"{"items": ["i1"], "k": "5"}"#, .wrongType(field: "k", expected: "an integer")),
                    (#"{"items": ["i1"], "k": 1e400}"#, .wrongType(field: "k", expected: "an integer")),
                    (#"{"items": ["i1"], "k": 2.5}"#, .wrongType(field: "k", expected: "an integer")),
                    (#"{"items": ["i1"], "exclude": {"a": 1}}"#, .wrongType(field: "exclude", expected: "an array")),
                    (#"{"items": null}"#, .nullValue(field: "items", expected: "an array")),
                    (#"["i1"]"#, .wrongType(field: "(body)", expected: "an object")),
                    (#"{"k": 3}"#, .missingField("items")),
                ]
                for (body, error) in cases {
                    let detail = try await post(client, "/v1/recommend", body, status: error.status)
                    #expect(detail == error.detail, "\(body)")
                }
                let nested = try await post(
                    client, "/v1/recommend/batch", #"{"users": [{"items": []}, {"items": [3]}]}"#, status: .badRequest)
                #expect(nested == APIError.wrongType(field: "users[1].items[0]", expected: "a string").detail)
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
                    #expect(detail == APIError.invalidK(field: "k", itemCount: 30, got: k).detail)
                }
                let batch = try await post(
                    client, "/v1/recommend/batch", #"{"users": [{"items": [], "k": 1}, {"items": [], "k": 0}]}"#,
                    status: .badRequest)
                #expect(batch == APIError.invalidK(field: "users[1].k", itemCount: 30, got: 0).detail)
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
                #expect(items == APIError.tooManyItems(fieldPrefix: "", count: 4, limit: 3).detail)
                let batchItems = try await post(
                    client, "/v1/recommend/batch", #"{"users": [{"items": ["i1", "i2", "i3", "i4"]}]}"#,
                    status: .badRequest)
                #expect(batchItems == APIError.tooManyItems(fieldPrefix: "users[0].", count: 4, limit: 3).detail)
                let ok = try await client.execute(
                    uri: "/v1/recommend", method: .post, body: ServerTest.body(#"{"items": ["i1", "i2", "i3"]}"#))
                #expect(ok.status == .ok)
                let empty = try await post(client, "/v1/recommend/batch", #"{"users": []}"#, status: .badRequest)
                #expect(empty == APIError.emptyBatch.detail)
                let users = try await post(
                    client, "/v1/recommend/batch", #"{"users": [{"items": []}, {"items": []}, {"items": []}]}"#,
                    status: .badRequest)
                #expect(users == APIError.tooManyUsers(count: 3, limit: 2).detail)
            }
        }
    }

    @Test("a body over --max-body-bytes gets 413")
    func bodyTooLarge() async throws {
        try await ServerTest.withService(FakeBackend(), limits: ServerLimits(maxBodyBytes: 100)) { service in
            try await Application(router: service.makeRouter()).test(.router) { client in
                let ids = (0..<40).map { "\"i\($0)\"" }.joined(separator: ",")
                let detail = try await post(client, "/v1/recommend", #"{"items": [\#(ids)]}"#, status: .contentTooLarge)
                #expect(detail == APIError.bodyTooLarge(limit: 100).detail)
                let batch = try await post(
                    client, "/v1/recommend/batch", #"{"users": [{"items": [\#(ids)]}]}"#, status: .contentTooLarge)
                #expect(batch == APIError.bodyTooLarge(limit: 100).detail)
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
                    #expect(try ServerTest.error(response, status: .notFound) == APIError.notFound(path: uri).detail)
                }
                let get = try await client.execute(uri: "/v1/recommend", method: .get)
                let detail = try ServerTest.error(get, status: .methodNotAllowed)
                #expect(detail == APIError.methodNotAllowed(.get, path: "/v1/recommend", allowed: [.post]).detail)
                #expect(get.headers[.allow] == "POST")
                let delete = try await client.execute(uri: "/healthz", method: .delete)
                #expect(
                    try ServerTest.error(delete, status: .methodNotAllowed)
                        == APIError.methodNotAllowed(.delete, path: "/healthz", allowed: [.get, .head]).detail)
                #expect(delete.headers[.allow] == "GET, HEAD")
                let put = try await client.execute(uri: "/metrics", method: .put, body: ServerTest.body("x"))
                #expect(put.status == .methodNotAllowed)
                #expect(try await client.execute(uri: "/healthz", method: .head).status == .ok)
                #expect(try await client.execute(uri: "/v1/recommend", method: .head).status == .methodNotAllowed)
            }
        }
    }

    @Test("an APIError is a JSON response with its status, headers and a readable description")
    func errorBodyShape() throws {
        let error = APIError.methodNotAllowed(.delete, path: "/healthz", allowed: [.get, .head])
        let response = error.makeResponse()
        #expect(response.status == .methodNotAllowed)
        #expect(response.headers[.contentType] == "application/json; charset=utf-8")
        #expect(response.headers[.allow] == "GET, HEAD")
        #expect(
            String(buffer: error.jsonBody)
                == #"{"error":{"code":"method_not_allowed","message":"DELETE is not allowed on \/healthz; use GET, HEAD","status":405}}"#
        )
        #expect(error.description == "405 method_not_allowed: DELETE is not allowed on /healthz; use GET, HEAD")
        #expect(error.errorDescription == error.description)
        #expect(APIError.emptyBatch.makeResponse().headers[.allow] == nil)
    }
}
