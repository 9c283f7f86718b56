import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VAECFServer

/// Requests the HTTP layer refuses before any route sees them get the same JSON error body as every other
/// refusal, over a real socket.
@Suite("Server refusals by the HTTP parser")
struct ProtocolRefusalTests {
    /// One malformed request and the error it must get.
    struct Case: CustomStringConvertible, Sendable {
        let name: String
        let request: String
        let status: Int
        let code: String
        var description: String { name }
    }

    static let recommend = "POST /v1/recommend HTTP/1.1\r\nHost: localhost\r\n"
    static let cases: [Case] = [
        Case(
            name: "oversized header",
            request:
                "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: \(String(repeating: "a", count: 100_000))\r\n\r\n",
            status: 431, code: "headers_too_large"),
        Case(
            name: "too many headers",
            request: "GET /healthz HTTP/1.1\r\nHost: localhost\r\n" + (0..<1100).map { "X-H\($0): v\r\n" }.joined()
                + "\r\n",
            status: 431, code: "headers_too_large"),
        Case(
            name: "non-numeric Content-Length", request: recommend + "Content-Length: abc\r\n\r\n{}",
            status: 400, code: "invalid_content_length"),
        Case(
            name: "negative Content-Length", request: recommend + "Content-Length: -5\r\n\r\n{}",
            status: 400, code: "invalid_content_length"),
        Case(
            name: "duplicate Content-Length", request: recommend + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
            status: 400, code: "invalid_content_length"),
        Case(
            name: "Content-Length with chunked",
            request: recommend + "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
            status: 400, code: "malformed_request"),
        Case(
            name: "bad chunk size", request: recommend + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
            status: 400, code: "invalid_chunked_body"),
        Case(
            name: "bad method line", request: "G@T /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n",
            status: 400, code: "malformed_request"),
        Case(
            name: "unknown HTTP version", request: "GET /healthz HTTP/7.3\r\nHost: localhost\r\n\r\n",
            status: 400, code: "malformed_request"),
        Case(
            name: "space in the target", request: "GET /health z HTTP/1.1\r\nHost: localhost\r\n\r\n",
            status: 400, code: "malformed_request"),
    ]

    @Test("a malformed request gets a JSON error naming the problem, then the connection closes", arguments: cases)
    func refusal(_ testCase: Case) async throws {
        try await ServerTest.withService(FakeBackend()) { service in
            try await LiveServer.run(service) { server in
                let connection = try RawConnection(port: server.publicPort)
                connection.send(testCase.request)
                let (text, closed) = await connection.readUntilClosed(timeout: .seconds(30))
                #expect(closed, "the connection stayed open; received: \(text.prefix(300))")
                let response = try #require(RawResponse(text), "no response: \(text.prefix(300))")
                #expect(response.status == testCase.status)
                #expect(response.headers["content-type"]?.hasPrefix("application/json") == true)
                let detail = try JSONDecoder().decode(APIError.Body.self, from: Data(response.body.utf8)).error
                #expect(detail.status == testCase.status)
                #expect(detail.code == testCase.code)
                #expect(text.components(separatedBy: "HTTP/1.1 ").count == 2, "one response only: \(text)")
            }
        }
    }

    @Test("a valid request before a malformed one on the same connection is answered first")
    func pipelinedRefusal() async throws {
        try await ServerTest.withService(FakeBackend()) { service in
            try await LiveServer.run(service) { server in
                let connection = try RawConnection(port: server.publicPort)
                connection.send(
                    "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\nGET /healthz HTTP/1.1\r\nContent-Length: x\r\n\r\n"
                )
                let (text, closed) = await connection.readUntilClosed(timeout: .seconds(30))
                #expect(closed)
                let responses = text.components(separatedBy: "HTTP/1.1 ").dropFirst()
                #expect(responses.count == 2, "\(text)")
                #expect(responses.first?.hasPrefix("200") == true)
                #expect(responses.last?.hasPrefix("400") == true)
                #expect(responses.last?.contains(#""code":"invalid_content_length""#) == true)
            }
        }
    }

    @Test("a bad chunked body on a route that ignores bodies gets that route's answer alone")
    func badBodyOnBodylessRoute() async throws {
        try await ServerTest.withService(FakeBackend()) { service in
            try await LiveServer.run(service) { server in
                let connection = try RawConnection(port: server.publicPort)
                connection.send(
                    "GET /healthz HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n"
                )
                let (text, closed) = await connection.readUntilClosed(timeout: .seconds(30))
                #expect(closed)
                #expect(text.components(separatedBy: "HTTP/1.1 ").count == 2, "one response only: \(text)")
                #expect(RawResponse(text)?.status == 200)
            }
        }
    }

    @Test("TRACE, CONNECT and other methods on a known path get 405 with Allow, like GET on a POST route")
    func unsupportedMethods() async throws {
        try await ServerTest.withService(FakeBackend()) { service in
            try await Application(router: service.makeRouter()).test(.router) { client in
                for method in [HTTPRequest.Method.trace, .connect, HTTPRequest.Method("PROPFIND")!] {
                    let response = try await client.execute(uri: "/healthz", method: method)
                    let detail = try ServerTest.error(response, status: .methodNotAllowed)
                    #expect(detail.code == "method_not_allowed")
                    #expect(response.headers[.allow] == "GET, HEAD")
                }
                let trace = try await client.execute(uri: "/v1/recommend", method: .trace)
                #expect(try ServerTest.error(trace, status: .methodNotAllowed).code == "method_not_allowed")
                #expect(trace.headers[.allow] == "POST")
                let unknown = try await client.execute(uri: "/elsewhere", method: .trace)
                #expect(try ServerTest.error(unknown, status: .notFound).code == "not_found")
            }
            try await Application(router: service.makeAdminRouter()).test(.router) { admin in
                let trace = try await admin.execute(uri: "/admin/reload", method: .trace)
                #expect(try ServerTest.error(trace, status: .methodNotAllowed).code == "method_not_allowed")
            }
        }
    }

    @Test("a TRACE over a real socket gets 405 JSON too")
    func traceOverSocket() async throws {
        try await ServerTest.withService(FakeBackend()) { service in
            try await LiveServer.run(service) { server in
                let connection = try RawConnection(port: server.publicPort)
                connection.send("TRACE /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                let (text, _) = await connection.readUntilClosed(timeout: .seconds(30))
                let response = try #require(RawResponse(text), "\(text)")
                #expect(response.status == 405)
                #expect(response.body.contains(#""code":"method_not_allowed""#))
            }
        }
    }
}
