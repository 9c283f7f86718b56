import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VAECF
import VAECFServer

@Suite("Server endpoints")
struct EndpointTests {
    @Test("GET /healthz answers ok")
    func health() async throws {
        try await ServerTest.withService(FakeBackend()) { service in
            try await Application(router: service.makeRouter()).test(.router) { client in
                let response = try await client.execute(uri: "/healthz", method: .get)
                #expect(response.status == .ok)
                #expect(try ServerTest.decode(HealthResponse.self, response) == HealthResponse(status: "ok"))
            }
        }
    }

    @Test("GET /v1/model describes the model in service")
    func model() async throws {
        let backend = FakeBackend(itemCount: 42, prefix: "m")
        try await ServerTest.withService(backend) { service in
            try await Application(router: service.makeRouter()).test(.router) { client in
                let response = try await client.execute(uri: "/v1/model", method: .get)
                #expect(response.status == .ok)
                let description = try ServerTest.decode(ModelDescription.self, response)
                var expected = backend.description
                expected.path = "m"  // the file name alone, not "/fake/m"
                #expect(description == expected)
                #expect(description.itemCount == 42)
            }
        }
    }

    @Test("POST /v1/recommend returns the top k, excluding the user's items, reporting unknown ids")
    func recommend() async throws {
        try await ServerTest.withService(FakeBackend(tag: 2)) { service in
            try await Application(router: service.makeRouter()).test(.router) { client in
                let body = ServerTest.body(#"{"items": ["i0", "i2", "zz"], "k": 3, "exclude": ["i3", "yy"]}"#)
                let response = try await client.execute(uri: "/v1/recommend", method: .post, body: body)
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                let result = try ServerTest.decode(RecommendationResult.self, response)
                #expect(result.items.map(\.id) == ["i1", "i4", "i5"])
                #expect(result.items.map(\.score) == [2, 1, Float(2) / 3])
                #expect(result.unknown == ["zz", "yy"])
            }
        }
    }

    @Test("k defaults to 20 and exclude is optional")
    func defaults() async throws {
        try await ServerTest.withService(FakeBackend()) { service in
            try await Application(router: service.makeRouter()).test(.router) { client in
                let response = try await client.execute(
                    uri: "/v1/recommend", method: .post, body: ServerTest.body(#"{"items": []}"#))
                #expect(response.status == .ok)
                let result = try ServerTest.decode(RecommendationResult.self, response)
                #expect(result.items.count == RecommendRequest.defaultK)
                #expect(result.items.first?.id == "i0")
                #expect(result.unknown.isEmpty)
            }
        }
    }

    @Test("POST /v1/recommend/batch answers every user in order")
    func batch() async throws {
        try await ServerTest.withService(FakeBackend()) { service in
            try await Application(router: service.makeRouter()).test(.router) { client in
                let request = BatchRecommendRequest(users: [
                    RecommendRequest(items: ["i0"], k: 2),
                    RecommendRequest(items: ["i1", "nope"], k: 1, exclude: ["i0"]),
                    RecommendRequest(items: [], k: 4),
                ])
                let response = try await client.execute(
                    uri: "/v1/recommend/batch", method: .post, body: try ServerTest.body(request))
                #expect(response.status == .ok)
                let results = try ServerTest.decode(BatchRecommendResponse.self, response).results
                #expect(results.map { $0.items.map(\.id) } == [["i1", "i2"], ["i2"], ["i0", "i1", "i2", "i3"]])
                #expect(results.map(\.unknown) == [[], ["nope"], []])
            }
        }
    }

    @Test("a batch larger than --max-batch is split into several forward passes, answers in order")
    func batchLargerThanMaxBatch() async throws {
        let backend = FakeBackend()
        try await ServerTest.withService(backend, limits: ServerLimits(maxBatch: 4)) { service in
            try await Application(router: service.makeRouter()).test(.router) { client in
                let users = (0..<10).map { RecommendRequest(items: ["i\($0)"], k: 1) }
                let response = try await client.execute(
                    uri: "/v1/recommend/batch", method: .post,
                    body: try ServerTest.body(BatchRecommendRequest(users: users)))
                #expect(response.status == .ok)
                let results = try ServerTest.decode(BatchRecommendResponse.self, response).results
                #expect(results.map { $0.items.map(\.id) } == (0..<10).map { [$0 == 0 ? "i1" : "i0"] })
            }
        }
        #expect(backend.batchSizes == [4, 4, 2])
    }

    @Test("GET /metrics exposes requests, latency, batch sizes and errors in Prometheus text")
    func metrics() async throws {
        try await ServerTest.withService(FakeBackend()) { service in
            try await Application(router: service.makeRouter()).test(.router) { client in
                _ = try await client.execute(
                    uri: "/v1/recommend", method: .post, body: ServerTest.body(#"{"items": ["i1"], "k": 2}"#))
                _ = try await client.execute(uri: "/v1/recommend", method: .post, body: ServerTest.body(#"{"items": "#))
                _ = try await client.execute(uri: "/nowhere", method: .get)
                let response = try await client.execute(uri: "/metrics", method: .get)
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                let text = String(buffer: response.body)
                #expect(
                    text.contains(#"vaecf_http_requests_total{route="/v1/recommend",method="POST",status="200"} 1"#))
                #expect(
                    text.contains(#"vaecf_http_requests_total{route="/v1/recommend",method="POST",status="400"} 1"#))
                #expect(text.contains(#"status="404"} 1"#))
                #expect(text.contains(#"vaecf_http_errors_total{route="/v1/recommend",code="malformed_json"} 1"#))
                #expect(text.contains("# TYPE vaecf_http_request_duration_seconds histogram"))
                #expect(text.contains(#"vaecf_http_request_duration_seconds_count{route="/v1/recommend"} 2"#))
                #expect(text.contains("# TYPE vaecf_batch_size histogram"))
                #expect(text.contains("vaecf_batch_size_count 1"))
                #expect(text.contains("vaecf_recommendations_total 1"))
                #expect(text.contains("vaecf_model_items 50"))
            }
        }
    }

    @Test("the live server answers over a real socket")
    func live() async throws {
        try await ServerTest.withService(FakeBackend()) { service in
            let app = Application(
                router: service.makeRouter(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            try await app.test(.live) { client in
                let health = try await client.execute(uri: "/healthz", method: .get)
                #expect(health.status == .ok)
                let response = try await client.execute(
                    uri: "/v1/recommend", method: .post, body: ServerTest.body(#"{"items": ["i0"], "k": 1}"#))
                #expect(try ServerTest.decode(RecommendationResult.self, response).items.map(\.id) == ["i1"])
                let bad = try await client.execute(
                    uri: "/v1/recommend", method: .post, body: ServerTest.body(#"{"items": [1]}"#))
                #expect(try ServerTest.error(bad, status: .badRequest).code == "invalid_type")
                let missing = try await client.execute(uri: "/v2/recommend", method: .post, body: ServerTest.body("{}"))
                #expect(try ServerTest.error(missing, status: .notFound).code == "not_found")
                let large = try await client.execute(
                    uri: "/v1/recommend", method: .post,
                    body: ServerTest.body(#"{"items": ["\#(String(repeating: "x", count: 2 << 20))"]}"#))
                #expect(try ServerTest.error(large, status: .contentTooLarge).code == "body_too_large")
                #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            }
        }
    }
}
