import Hummingbird
import VAECF

extension APIError {
    /// HTTP status: 4xx for the client's mistakes, 5xx for the server's.
    package var status: HTTPResponse.Status {
        switch self {
        case .notFound, .unknownItem, .unknownUser, .noUserHistories: .notFound
        case .methodNotAllowed: .methodNotAllowed
        case .malformedRequest, .invalidContentLength, .invalidChunkedBody, .unreadableBody, .emptyBody, .malformedJSON,
            .wrongType, .nullValue, .invalidValue, .missingField, .invalidK, .invalidKParameter, .tooManyItems,
            .emptyBatch, .tooManyUsers:
            .badRequest
        case .headersTooLarge: .init(code: 431, reasonPhrase: "Request Header Fields Too Large")
        case .bodyTimedOut: .requestTimeout
        case .bodyTooLarge: .contentTooLarge
        case .httpError(let status): status
        case .lookupUnsupported: .notImplemented
        case .reloadWithoutLoader, .reloadWithoutPath: .conflict
        case .reloadForbidden: .forbidden
        case .reloadFailed: .unprocessableContent
        case .shuttingDown: .serviceUnavailable
        case .backendFailure, .encodingFailed, .internalError: .internalServerError
        }
    }

    /// Stable machine-readable name of the problem, e.g. `malformed_json`, `invalid_k`, `body_too_large`.
    package var code: String {
        switch self {
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .malformedRequest: "malformed_request"
        case .headersTooLarge: "headers_too_large"
        case .invalidContentLength: "invalid_content_length"
        case .invalidChunkedBody: "invalid_chunked_body"
        case .bodyTimedOut: "request_timeout"
        case .bodyTooLarge: "body_too_large"
        case .unreadableBody: "unreadable_body"
        case .httpError: "http_error"
        case .emptyBody, .malformedJSON: "malformed_json"
        case .wrongType, .nullValue, .invalidValue: "invalid_type"
        case .missingField: "missing_field"
        case .invalidK, .invalidKParameter: "invalid_k"
        case .tooManyItems: "too_many_items"
        case .emptyBatch: "empty_batch"
        case .tooManyUsers: "too_many_users"
        case .unknownItem: "unknown_item"
        case .unknownUser: "unknown_user"
        case .noUserHistories: "no_user_histories"
        case .lookupUnsupported: "not_supported"
        case .reloadWithoutLoader, .reloadWithoutPath: "reload_unavailable"
        case .reloadForbidden: "reload_forbidden"
        case .reloadFailed: "reload_failed"
        case .shuttingDown: "shutting_down"
        case .backendFailure: "backend_failure"
        case .encodingFailed: "encoding_failed"
        case .internalError: "internal_error"
        }
    }

    /// Extra response headers: `Allow` for 405.
    package var headers: HTTPFields {
        guard case .methodNotAllowed(_, _, let allowed) = self else { return [:] }
        return [.allow: Self.methodList(allowed)]
    }

    /// A sentence naming the field or the limit and what was expected.
    package var message: String {
        switch self {
        case .notFound(let path): "no route for \(path)"
        case .methodNotAllowed(let method, let path, let allowed):
            "\(method.rawValue) is not allowed on \(path); use \(Self.methodList(allowed))"
        case .malformedRequest(let defect): defect.message
        case .headersTooLarge: "the request's headers exceed the server's size or count limits"
        case .invalidContentLength: "the Content-Length header is invalid or repeated"
        case .invalidChunkedBody: "the chunked request body is malformed"
        case .bodyTimedOut(let timeout):
            "\(RequestReadError.bodyTimedOut(after: timeout).description); closing the connection"
        case .bodyTooLarge(let limit?): "the request body is larger than the limit of \(limit) bytes"
        case .bodyTooLarge(nil): "the request body is too large"
        case .unreadableBody(let reason): "the request body could not be read (\(reason))"
        case .httpError(let status): "\(status.code) \(status.reasonPhrase)"
        case .emptyBody: "the request body is empty; expected a JSON object"
        case .malformedJSON(let reason): "the request body is not valid JSON (\(reason))"
        case .wrongType(let field, let expected): "`\(field)` has the wrong type; expected \(expected)"
        case .nullValue(let field, let expected): "`\(field)` is null; expected \(expected)"
        case .invalidValue(let field, let reason): "`\(field)` is invalid: \(reason)"
        case .missingField(let field): "the required field `\(field)` is missing"
        case .invalidK(let field, let itemCount, let k):
            "`\(field)` must be between 1 and the model's item count \(itemCount) (got \(k))"
        case .invalidKParameter(let text, let itemCount):
            "`k` must be an integer between 1 and the model's item count \(itemCount) (got \"\(text)\")"
        case .tooManyItems(let prefix, let count, let limit):
            "`\(prefix)items` and `\(prefix)exclude` hold \(count) ids; the limit is \(limit)"
        case .emptyBatch: "`users` is empty; expected at least one user"
        case .tooManyUsers(let count, let limit): "`users` holds \(count) users; the limit is \(limit)"
        case .unknownItem(let item): RecommenderError.unknownItem(item).description
        case .unknownUser(let user): RecommenderError.unknownUser(user).description
        case .noUserHistories:
            "the model in service keeps no training users, so users cannot be asked for by id; send the user's items to POST /v1/recommend"
        case .lookupUnsupported: "the model in service does not answer queries by item or user id"
        case .reloadWithoutLoader: "this server was started without a model loader"
        case .reloadWithoutPath: "no model path is known; pass {\"path\": \"...\"}"
        case .reloadForbidden: "reloads may only read model files inside the server's reload directory"
        case .reloadFailed(let file, let reason):
            "cannot load \(file): \(reason.message); the previous model stays in service (the server log has the cause)"
        case .shuttingDown: "the server is shutting down"
        case .backendFailure(let answered, let asked): "the model answered \(answered) of \(asked) queries"
        case .encodingFailed(let reason): "the answer could not be encoded: \(reason)"
        case .internalError: "the server failed to answer; the cause is in its log"
        }
    }

    /// `GET, HEAD`.
    private static func methodList(_ methods: [HTTPRequest.Method]) -> String {
        methods.map(\.rawValue).joined(separator: ", ")
    }
}

extension APIError.HTTPDefect {
    /// The sentence of ``APIError/malformedRequest(_:)``.
    var message: String {
        switch self {
        case .requestLine: "the request line could not be parsed"
        case .method: "the request method is not valid HTTP"
        case .target: "the request target is not a valid URL"
        case .version: "the request's HTTP version is not supported"
        case .syntax: "the request line or headers are malformed"
        case .other: "the request is not valid HTTP/1.1"
        }
    }
}

extension APIError.ReloadFailureReason {
    /// What ``APIError/reloadFailed(file:reason:)`` says of the file.
    var message: String {
        switch self {
        case .noSuchFile: "no such file"
        case .notAModelFile: "not a readable model file"
        }
    }
}
