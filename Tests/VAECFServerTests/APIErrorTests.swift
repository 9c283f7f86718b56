import Foundation
import Hummingbird
import Testing
import VAECFServer

/// Each ``APIError`` case keeps the status, code and sentence clients have been getting.
@Suite("API error cases")
struct APIErrorTests {
    /// Every case with its status, code and message.
    static let table: [(error: APIError, status: Int, code: String, message: String)] = [
        (.notFound(path: "/v2"), 404, "not_found", "no route for /v2"),
        (
            .methodNotAllowed(.put, path: "/v1/recommend", allowed: [.post]), 405, "method_not_allowed",
            "PUT is not allowed on /v1/recommend; use POST"
        ),
        (.malformedRequest(.requestLine), 400, "malformed_request", "the request line could not be parsed"),
        (.malformedRequest(.method), 400, "malformed_request", "the request method is not valid HTTP"),
        (.malformedRequest(.target), 400, "malformed_request", "the request target is not a valid URL"),
        (.malformedRequest(.version), 400, "malformed_request", "the request's HTTP version is not supported"),
        (.malformedRequest(.syntax), 400, "malformed_request", "the request line or headers are malformed"),
        (.malformedRequest(.other), 400, "malformed_request", "the request is not valid HTTP/1.1"),
        (.headersTooLarge, 431, "headers_too_large", "the request's headers exceed the server's size or count limits"),
        (.invalidContentLength, 400, "invalid_content_length", "the Content-Length header is invalid or repeated"),
        (.invalidChunkedBody, 400, "invalid_chunked_body", "the chunked request body is malformed"),
        (
            .bodyTimedOut(after: .milliseconds(1500)), 408, "request_timeout",
            "the request body did not arrive within 1.5 s; closing the connection"
        ),
        (.bodyTooLarge(limit: 100), 413, "body_too_large", "the request body is larger than the limit of 100 bytes"),
        (.bodyTooLarge(limit: nil), 413, "body_too_large", "the request body is too large"),
        (.unreadableBody(reason: "EOF"), 400, "unreadable_body", "the request body could not be read (EOF)"),
        (.httpError(.gone), 410, "http_error", "410 Gone"),
        (.emptyBody, 400, "malformed_json", "the request body is empty; expected a JSON object"),
        (.malformedJSON(reason: "bad"), 400, "malformed_json", "the request body is not valid JSON (bad)"),
        (
            .wrongType(field: "k", expected: "an integer"), 400, "invalid_type",
            "`k` has the wrong type; expected an integer"
        ),
        (.nullValue(field: "items", expected: "an array"), 400, "invalid_type", "`items` is null; expected an array"),
        (.invalidValue(field: "k", reason: "too big"), 400, "invalid_type", "`k` is invalid: too big"),
        (.missingField("users[0].items"), 400, "missing_field", "the required field `users[0].items` is missing"),
        (
            .invalidK(field: "users[1].k", itemCount: 30, got: 0), 400, "invalid_k",
            "`users[1].k` must be between 1 and the model's item count 30 (got 0)"
        ),
        (
            .invalidKParameter(given: "x", itemCount: 30), 400, "invalid_k",
            #"`k` must be an integer between 1 and the model's item count 30 (got "x")"#
        ),
        (
            .tooManyItems(fieldPrefix: "users[2].", count: 4, limit: 3), 400, "too_many_items",
            "`users[2].items` and `users[2].exclude` hold 4 ids; the limit is 3"
        ),
        (.emptyBatch, 400, "empty_batch", "`users` is empty; expected at least one user"),
        (.tooManyUsers(count: 3, limit: 2), 400, "too_many_users", "`users` holds 3 users; the limit is 2"),
        (.unknownItem("x"), 404, "unknown_item", #"unknown item id "x": the model has no such item"#),
        (.unknownUser("u"), 404, "unknown_user", #"unknown user id "u": not a training user of the model"#),
        (
            .noUserHistories, 404, "no_user_histories",
            "the model in service keeps no training users, so users cannot be asked for by id; send the user's items to POST /v1/recommend"
        ),
        (.lookupUnsupported, 501, "not_supported", "the model in service does not answer queries by item or user id"),
        (.reloadWithoutLoader, 409, "reload_unavailable", "this server was started without a model loader"),
        (.reloadWithoutPath, 409, "reload_unavailable", #"no model path is known; pass {"path": "..."}"#),
        (
            .reloadForbidden, 403, "reload_forbidden",
            "reloads may only read model files inside the server's reload directory"
        ),
        (
            .reloadFailed(file: "a.model", reason: .noSuchFile), 422, "reload_failed",
            "cannot load a.model: no such file; the previous model stays in service (the server log has the cause)"
        ),
        (
            .reloadFailed(file: "b.model", reason: .notAModelFile), 422, "reload_failed",
            "cannot load b.model: not a readable model file; the previous model stays in service (the server log has the cause)"
        ),
        (.shuttingDown, 503, "shutting_down", "the server is shutting down"),
        (.backendFailure(answered: 1, asked: 2), 500, "backend_failure", "the model answered 1 of 2 queries"),
        (.encodingFailed(reason: "NaN"), 500, "encoding_failed", "the answer could not be encoded: NaN"),
        (.internalError, 500, "internal_error", "the server failed to answer; the cause is in its log"),
    ]

    @Test("every case has its status, code and message, and a JSON body of exactly those")
    func everyCase() throws {
        for (error, status, code, message) in Self.table {
            #expect(error.status.code == status, "\(error)")
            #expect(error.code == code, "\(error)")
            #expect(error.message == message, "\(error)")
            #expect(error.description == "\(status) \(code): \(message)")
            let body = try JSONDecoder().decode(APIError.Body.self, from: Data(String(buffer: error.jsonBody).utf8))
            #expect(body.error == APIError.Body.Detail(status: status, code: code, message: message))
            let headers = error.makeResponse().headers
            #expect(headers[.allow] == (code == "method_not_allowed" ? "POST" : nil), "\(error)")
        }
    }
}
