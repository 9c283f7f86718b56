import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import VAECF
import VAECFServer

@Suite("Server graceful shutdown")
struct ShutdownTests {
    @Test("a request in flight when shutdown begins is still answered, then the server stops")
    func inFlightRequestFinishes() async throws {
        let backend = FakeBackend(delay: 0.3)
        let service = RecommendationService(backend: backend)
        defer { service.shutdown() }
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let group = RecommendationServer.makeServiceGroup(
            service, configuration: ServerConfiguration(host: "127.0.0.1", port: 0), logger: Logger(label: "test")
        ) { _, url in
            portSink.yield(Int(url.split(separator: ":").last!)!)
        }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                async let pending = client.post("/v1/recommend", body: ByteBuffer(string: #"{"items": ["i0"], "k": 2}"#))
                // Wait until the forward pass has begun, then ask the server to stop.
                let deadline = ContinuousClock.now + .seconds(10)
                while backend.batchSizes.isEmpty && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
                await group.triggerGracefulShutdown()
                let response = try await pending
                #expect(response.status == .ok)
                let result = try JSONDecoder().decode(RecommendationResult.self, from: Data(String(buffer: response.body ?? ByteBuffer()).utf8))
                #expect(result.items.map(\.id) == ["i1", "i2"])
            }
            // The group ends once the in-flight request is done.
            try await tasks.waitForAll()
        }
        #expect(backend.batchSizes == [1])
    }
}
