import Foundation
import Hummingbird

/// A request the server refuses or cannot answer, sent as a JSON body
/// `{"error": {"status": 400, "code": "invalid_k", "message": "..."}}` with the matching HTTP status.
///
/// Every failure of a request becomes one of these (see ``JSONErrorMiddleware``), so a client always gets a
/// machine-readable code and a sentence naming the problem, and the server keeps serving.
package struct APIError: Error, HTTPResponseError, CustomStringConvertible, Sendable {
    /// HTTP status (4xx for the client's mistakes, 5xx for the server's).
    package var status: HTTPResponse.Status
    /// Stable machine-readable name of the problem, e.g. `malformed_json`, `invalid_k`, `body_too_large`.
    package var code: String
    /// A sentence naming the field and what was expected.
    package var message: String
    /// Extra response headers (e.g. `Allow` for 405).
    package var headers: HTTPFields

    package init(_ status: HTTPResponse.Status, code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    package var description: String { "\(status.code) \(code): \(message)" }

    /// The JSON body's shape.
    package struct Body: Codable, Sendable, Equatable {
        package struct Detail: Codable, Sendable, Equatable {
            package var status: Int
            package var code: String
            package var message: String
        }
        package var error: Detail
    }

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        makeResponse()
    }

    /// The response: status, `Content-Type: application/json`, the extra headers and the JSON body.
    package func makeResponse() -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: jsonBody))
    }

    /// The JSON body (keys sorted).
    var jsonBody: ByteBuffer {
        let body = Body(error: .init(status: status.code, code: code, message: message))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(body)) ?? Data(#"{"error":{"code":"internal"}}"#.utf8)
        return ByteBuffer(bytes: data)
    }
}

extension APIError {
    /// 404 for a path no route serves.
    static func notFound(_ path: String) -> APIError {
        APIError(.notFound, code: "not_found", "no route for \(path)")
    }

    /// 405 for a known path asked with a method it does not serve.
    static func methodNotAllowed(_ method: HTTPRequest.Method, path: String, allowed: [HTTPRequest.Method]) -> APIError
    {
        let list = allowed.map(\.rawValue).joined(separator: ", ")
        return APIError(
            .methodNotAllowed, code: "method_not_allowed", "\(method.rawValue) is not allowed on \(path); use \(list)",
            headers: [.allow: list])
    }

    /// 413 for a body larger than the limit.
    static func bodyTooLarge(limit: Int) -> APIError {
        APIError(
            .contentTooLarge, code: "body_too_large", "the request body is larger than the limit of \(limit) bytes")
    }

    /// 503 while the server shuts down.
    static let shuttingDown = APIError(.serviceUnavailable, code: "shutting_down", "the server is shutting down")
}
