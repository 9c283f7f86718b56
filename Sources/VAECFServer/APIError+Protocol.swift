import Foundation
import Hummingbird
import NIOHTTP1
import NIOHTTPTypesHTTP1
import VAECFCore

/// A request the connection gave up reading (see ``RequestGuardHandler``).
enum RequestReadError: Error, LocalizedError, CustomStringConvertible {
    /// The body did not arrive completely within the read timeout after the headers.
    case bodyTimedOut(after: Duration)

    var description: String {
        switch self {
        case .bodyTimedOut(let timeout): "the request body did not arrive within \(timeout.seconds) s"
        }
    }

    var errorDescription: String? { description }
}

extension APIError {
    /// The JSON error for a request the HTTP layer refused before any route saw it: a malformed request line,
    /// headers or body framing (NIO's `HTTPParserError`), a method HTTP types cannot represent, or a body that
    /// arrived too slowly. `nil` for other errors (I/O failures), which are not the client's request's fault.
    static func refusal(for error: any Error) -> APIError? {
        switch error {
        case let readError as RequestReadError:
            return APIError(
                .requestTimeout, code: "request_timeout", "\(readError.description); closing the connection")
        case let parserError as HTTPParserError:
            return parserRefusal(parserError)
        case is HTTP1TypeConversionError:
            return APIError(.badRequest, code: "malformed_request", "the request line could not be parsed")
        default:
            return nil
        }
    }

    /// The JSON error for each kind of HTTP parser failure.
    private static func parserRefusal(_ error: HTTPParserError) -> APIError {
        switch error {
        case .headerOverflow:
            return APIError(
                .init(code: 431, reasonPhrase: "Request Header Fields Too Large"), code: "headers_too_large",
                "the request's headers exceed the server's size or count limits")
        case .invalidContentLength, .unexpectedContentLength:
            return APIError(
                .badRequest, code: "invalid_content_length",
                "the Content-Length header is invalid or repeated")
        case .invalidChunkSize:
            return APIError(.badRequest, code: "invalid_chunked_body", "the chunked request body is malformed")
        case .invalidMethod:
            return APIError(.badRequest, code: "malformed_request", "the request method is not valid HTTP")
        case .invalidURL, .invalidPath, .invalidQueryString, .invalidFragment, .invalidHost, .invalidPort:
            return APIError(.badRequest, code: "malformed_request", "the request target is not a valid URL")
        case .invalidVersion:
            return APIError(.badRequest, code: "malformed_request", "the request's HTTP version is not supported")
        case .invalidHeaderToken, .invalidCharactersUsed, .lfExpected, .invalidConstant:
            return APIError(.badRequest, code: "malformed_request", "the request line or headers are malformed")
        default:
            return APIError(.badRequest, code: "malformed_request", "the request is not valid HTTP/1.1")
        }
    }
}
