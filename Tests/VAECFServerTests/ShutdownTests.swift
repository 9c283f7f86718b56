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
                async let pending = client.post(
                    "/v1/recommend", body: ByteBuffer(string: #"{"items": ["i0"], "k": 2}"#))
                // Wait until the forward pass has begun, then ask the server to stop.
                let deadline = ContinuousClock.now + .seconds(10)
                while backend.batchSizes.isEmpty && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(5))
                }
                await group.triggerGracefulShutdown()
                let response = try await pending
                #expect(response.status == .ok)
                let result = try JSONDecoder().decode(
                    RecommendationResult.self, from: Data(String(buffer: response.body ?? ByteBuffer()).utf8))
                #expect(result.items.map(\.id) == ["i1", "i2"])
            }
            // The group ends once the in-flight request is done.
            try await tasks.waitForAll()
        }
        #expect(backend.batchSizes == [1])
    }

    @Test("shutdown ends within the drain time while a client holds a half-sent body, and says so in the log")
    func drainTimeBoundsShutdown() async throws {
        let configuration = ServerConfiguration(
            idleTimeout: .seconds(60), readTimeout: .seconds(60), drainTimeout: .milliseconds(500))
        try await ServerTest.withService(FakeBackend()) { service in
            try await LiveServer.run(service, configuration: configuration, stopTimeout: .seconds(40)) { server in
                let connection = try RawConnection(port: server.publicPort)
                connection.send(
                    "POST /v1/recommend HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n{\"items\": [")
                // Let the server take the headers, then ask it to stop.
                try await Task.sleep(for: .milliseconds(200))
                await server.group.triggerGracefulShutdown()
                let (_, closed) = await connection.readUntilClosed(timeout: .seconds(30))
                #expect(closed, "the half-sent request kept its connection open")
                #expect(try await server.log.waitFor("drain time of 0.5 seconds exceeded"), "\(server.log.all)")
            }
        }
    }
}
