import Foundation
import Testing
import VAECFServer

@Suite("Server connection limit")
struct ConnectionLimitTests {
    @Test("past --max-connections new clients wait (logged) and are served once a connection closes")
    func limitReached() async throws {
        let configuration = ServerConfiguration(idleTimeout: .seconds(30), maxConnections: 2)
        try await ServerTest.withService(FakeBackend()) { service in
            try await LiveServer.run(service, configuration: configuration) { server in
                let first = try RawConnection(port: server.publicPort)
                let second = try RawConnection(port: server.publicPort)
                #expect(try await server.log.waitFor("public API: connection limit of 2 reached"), "\(server.log.all)")
                // The kernel completes the third handshake, but the server does not take the connection yet.
                let third = try RawConnection(port: server.publicPort)
                third.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
                let waiting = await third.read(until: "\r\n\r\n", timeout: .milliseconds(500))
                #expect(waiting.text.isEmpty, "answered past the limit: \(waiting.text)")
                first.close()
                let answered = await third.read(until: #""ok""#, timeout: .seconds(30))
                #expect(RawResponse(answered.text)?.status == 200, "\(answered.text)")
                second.close()
                #expect(try await server.log.waitFor("accepting again"))
            }
        }
    }
}
