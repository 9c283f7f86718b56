import Foundation
import Testing
import VAECFServer

/// Idle and read timeouts over real sockets. Timeouts are short (200-300 ms) and the checks generous (closed
/// within 30 s): in a full parallel run, other tests' synchronous training can hold the 2 cores' cooperative
/// threads for seconds, and the server's handlers wait for them.
@Suite("Server timeouts")
struct TimeoutTests {
    static let short = ServerConfiguration(idleTimeout: .milliseconds(200), readTimeout: .seconds(30))

    @Test("a connection that sends nothing is closed after the idle timeout")
    func idleConnectionCloses() async throws {
        try await ServerTest.withService(FakeBackend()) { service in
            try await LiveServer.run(service, configuration: Self.short) { server in
                let connection = try RawConnection(port: server.publicPort)
                let started = ContinuousClock.now
                let (text, closed) = await connection.readUntilClosed(timeout: .seconds(30))
                #expect(closed, "still open after 30 s")
                #expect(text.isEmpty)
                #expect(ContinuousClock.now - started >= .milliseconds(150))
            }
        }
    }

    @Test("a keep-alive connection is closed after the idle timeout once its request is answered")
    func keepAliveConnectionCloses() async throws {
        try await ServerTest.withService(FakeBackend()) { service in
            try await LiveServer.run(service, configuration: Self.short) { server in
                let connection = try RawConnection(port: server.publicPort)
                connection.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
                let started = ContinuousClock.now
                let (text, closed) = await connection.readUntilClosed(timeout: .seconds(30))
                #expect(closed, "still open after 30 s: \(ContinuousClock.now - started) \(server.log.all)")
                #expect(RawResponse(text)?.status == 200)
            }
        }
    }

    @Test("a client that stops in the middle of its headers is cut off after the idle timeout")
    func stalledHeadersClose() async throws {
        try await ServerTest.withService(FakeBackend()) { service in
            try await LiveServer.run(service, configuration: Self.short) { server in
                let connection = try RawConnection(port: server.publicPort)
                connection.send("GET /healthz HTTP/1.1\r\nHost: local")
                let (_, closed) = await connection.readUntilClosed(timeout: .seconds(30))
                #expect(closed, "still open after 30 s")
            }
        }
    }

    @Test("a body that does not arrive within the read timeout gets 408 JSON and the connection closes")
    func slowBodyTimesOut() async throws {
        let configuration = ServerConfiguration(idleTimeout: .seconds(30), readTimeout: .milliseconds(300))
        try await ServerTest.withService(FakeBackend()) { service in
            try await LiveServer.run(service, configuration: configuration) { server in
                let connection = try RawConnection(port: server.publicPort)
                connection.send(
                    "POST /v1/recommend HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n{\"items\": [")
                // Trickle a byte now and then: each resets an idle timer, none the read timeout.
                for _ in 0..<3 {
                    try await Task.sleep(for: .milliseconds(50))
                    connection.send("\"")
                }
                let (text, closed) = await connection.readUntilClosed(timeout: .seconds(30))
                #expect(closed, "still open after 30 s: \(text)")
                let response = try #require(RawResponse(text), "no response: \(text)")
                #expect(response.status == 408)
                #expect(response.body.contains(#""code":"request_timeout""#))
            }
        }
    }

    @Test("a request that arrives in time is answered normally with the timeouts in place")
    func promptRequestAnswered() async throws {
        let configuration = ServerConfiguration(idleTimeout: .seconds(20), readTimeout: .seconds(20))
        try await ServerTest.withService(FakeBackend()) { service in
            try await LiveServer.run(service, configuration: configuration) { server in
                let connection = try RawConnection(port: server.publicPort)
                let body = #"{"items": ["i0"], "k": 2}"#
                connection.send(
                    "POST /v1/recommend HTTP/1.1\r\nHost: localhost\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
                )
                let (text, _) = await connection.read(until: "]}", timeout: .seconds(30))
                let response = try #require(RawResponse(text), "\(text)")
                #expect(response.status == 200)
                #expect(response.body.contains(#""id":"i1""#))
            }
        }
    }
}
