import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VAECF
import VAECFServer

@Suite("Server request coalescing")
struct ConcurrencyTests {
    @Test("50 concurrent requests are all answered, coalesced into batches larger than 1")
    func coalescing() async throws {
        let backend = FakeBackend(delay: 0.02)
        let limits = ServerLimits(maxBatch: 16, maxWaitMilliseconds: 5)
        try await ServerTest.withService(backend, limits: limits) { service in
            try await Application(router: service.makeRouter()).test(.router) { client in
                let answers = try await withThrowingTaskGroup(of: (Int, [String]).self) { group in
                    for user in 0..<50 {
                        group.addTask {
                            let body = ServerTest.body(#"{"items": ["i\#(user % 10)"], "k": 2}"#)
                            let response = try await client.execute(uri: "/v1/recommend", method: .post, body: body)
                            #expect(response.status == .ok)
                            return (user, try ServerTest.decode(RecommendationResult.self, response).items.map(\.id))
                        }
                    }
                    var answers = [Int: [String]]()
                    for try await (user, ids) in group { answers[user] = ids }
                    return answers
                }
                #expect(answers.count == 50)
                for (user, ids) in answers {
                    #expect(ids == (user % 10 == 0 ? ["i1", "i2"] : ["i0", user % 10 == 1 ? "i2" : "i1"]))
                }
                let sizes = backend.batchSizes
                #expect(sizes.reduce(0, +) == 50)
                #expect(sizes.max()! > 1, "batches: \(sizes)")
                #expect(sizes.max()! <= 16, "batches: \(sizes)")
                let text = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
                #expect(text.contains("vaecf_batch_size_sum 50"))
                #expect(text.contains("vaecf_batch_size_count \(sizes.count)"))
                #expect(sizes.count < 50)
            }
        }
    }

    @Test("a lone request does not wait for company")
    func loneRequestIsNotDelayed() async throws {
        // With a 600 s coalescing window, one request that waited would take 600 s and three 1800 s; the bound leaves
        // ample room for a loaded machine (the whole suite runs in parallel on 2 cores, and on Linux its synchronous
        // tests hold the dispatch pool that the server's tasks need: 104 s were seen with a 120 s window).
        let limits = ServerLimits(maxWaitMilliseconds: 600_000)
        try await ServerTest.withService(FakeBackend(), limits: limits) { service in
            try await Application(router: service.makeRouter()).test(.router) { client in
                let clock = ContinuousClock()
                let elapsed = try await clock.measure {
                    for _ in 0..<3 {
                        let response = try await client.execute(
                            uri: "/v1/recommend", method: .post, body: ServerTest.body(#"{"items": []}"#))
                        #expect(response.status == .ok)
                    }
                }
                #expect(elapsed < .seconds(500), "three sequential requests took \(elapsed)")
            }
        }
    }

    @Test("after shutdown, queries are refused with 503 instead of hanging")
    func shutdownRefuses() async throws {
        let service = RecommendationService(backend: FakeBackend())
        service.shutdown()
        await #expect(throws: APIError.shuttingDown) {
            try await service.recommend([RecommendationQuery(items: [], count: 1)])
        }
    }
}
