import Foundation
import Hummingbird

/// A request the server refuses or cannot answer, sent as a JSON body
/// `{"error": {"status": 400, "code": "invalid_k", "message": "..."}}` with the matching HTTP status.
///
/// One case per failure; each has its HTTP ``status``, a stable machine-readable ``code`` and a ``message``
/// naming the field or the limit (see APIError+Fields.swift). Every failure of a request becomes one of these
/// (see ``JSONErrorMiddleware``), so a client always gets a code and a sentence, and the server keeps serving.
package enum APIError: Error, Equatable, Sendable {
    // MARK: Routing

    /// 404 `not_found`: no route serves `path`.
    case notFound(path: String)
    /// 405 `method_not_allowed` with an `Allow` header: `path` is served, but not with `method`.
    case methodNotAllowed(HTTPRequest.Method, path: String, allowed: [HTTPRequest.Method])

    // MARK: The HTTP request

    /// 400 `malformed_request`: the request line or headers are not valid HTTP/1.1.
    case malformedRequest(HTTPDefect)
    /// 431 `headers_too_large`: the headers exceed the server's size or count limits.
    case headersTooLarge
    /// 400 `invalid_content_length`: `Content-Length` is invalid or repeated.
    case invalidContentLength
    /// 400 `invalid_chunked_body`: the chunked body's framing is malformed.
    case invalidChunkedBody
    /// 408 `request_timeout`: the body did not arrive within the read timeout.
    case bodyTimedOut(after: Duration)
    /// 413 `body_too_large`: the body is larger than `limit` bytes (`nil`: Hummingbird's own limit).
    case bodyTooLarge(limit: Int?)
    /// 400 `unreadable_body`: reading the body failed for another reason.
    case unreadableBody(reason: String)
    /// `http_error`: another HTTP error Hummingbird raised, with its status.
    case httpError(HTTPResponse.Status)

    // MARK: The JSON body

    /// 400 `malformed_json`: the body is empty where a JSON object is expected.
    case emptyBody
    /// 400 `malformed_json`: the body is not JSON; `reason` is the parser's.
    case malformedJSON(reason: String)
    /// 400 `invalid_type`: the value at `field` (a JSON path) is not `expected` (e.g. "an array").
    case wrongType(field: String, expected: String)
    /// 400 `invalid_type`: the value at `field` is `null` where `expected` is required.
    case nullValue(field: String, expected: String)
    /// 400 `invalid_type`: the value at `field` is of the right type but invalid.
    case invalidValue(field: String, reason: String)
    /// 400 `missing_field`: the required `field` is absent.
    case missingField(String)

    // MARK: Queries

    /// 400 `invalid_k`: `field` (`k`, `users[3].k`) is `got`, outside `1...itemCount`.
    case invalidK(field: String, itemCount: Int, got: Int)
    /// 400 `invalid_k`: the `k` query parameter `given` is not an integer in `1...itemCount`.
    case invalidKParameter(given: String, itemCount: Int)
    /// 400 `too_many_items`: a query's `items` and `exclude` hold `count` ids, more than `limit`;
    /// `fieldPrefix` is `users[3].` for a batch's user, empty for a single query.
    case tooManyItems(fieldPrefix: String, count: Int, limit: Int)
    /// 400 `empty_batch`: a batch request with no users.
    case emptyBatch
    /// 400 `too_many_users`: a batch request with `count` users, more than `limit`.
    case tooManyUsers(count: Int, limit: Int)
    /// 404 `unknown_item`: the item id is not one of the model's items.
    case unknownItem(String)
    /// 404 `unknown_user`: the user id is not one of the model's training users.
    case unknownUser(String)
    /// 404 `no_user_histories`: the model in service keeps no training users.
    case noUserHistories
    /// 501 `not_supported`: the backend in service does not answer queries by id.
    case lookupUnsupported

    // MARK: Reloads

    /// 409 `reload_unavailable`: the server has no model loader.
    case reloadWithoutLoader
    /// 409 `reload_unavailable`: no path was given and no model file is known.
    case reloadWithoutPath
    /// 403 `reload_forbidden`: the path lies outside the reload directory.
    case reloadForbidden
    /// 422 `reload_failed`: `file` (relative to the reload directory) did not load; the old model stays.
    case reloadFailed(file: String, reason: ReloadFailureReason)

    // MARK: The server

    /// 503 `shutting_down`: the server is shutting down.
    case shuttingDown
    /// 500 `backend_failure`: the model answered `answered` of `asked` queries.
    case backendFailure(answered: Int, asked: Int)
    /// 500 `encoding_failed`: the answer could not be encoded as JSON.
    case encodingFailed(reason: String)
    /// 500 `internal_error`: an unexpected error, logged by the server.
    case internalError

    /// What is wrong with a request the HTTP parser refused.
    package enum HTTPDefect: Equatable, Sendable {
        /// The request line could not be converted to an HTTP request.
        case requestLine
        /// The method is not valid HTTP.
        case method
        /// The request target is not a valid URL.
        case target
        /// The HTTP version is not supported.
        case version
        /// The request line or headers break HTTP's syntax.
        case syntax
        /// Any other parser failure.
        case other
    }

    /// Why a reload's file did not load (the cause itself goes to the server's log only).
    package enum ReloadFailureReason: Equatable, Sendable {
        /// There is no file at the path.
        case noSuchFile
        /// The file exists but is not a model file the server can load.
        case notAModelFile
    }
}

extension APIError: LocalizedError, CustomStringConvertible {
    /// `400 invalid_k: <message>`.
    package var description: String { "\(status.code) \(code): \(message)" }

    /// The same text as `description`.
    package var errorDescription: String? { description }
}
