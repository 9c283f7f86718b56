import Foundation
import Hummingbird
import NIOHTTP1
import NIOHTTPTypesHTTP1
import VAECFCore

/// A request the connection gave up reading (see ``RequestGuardHandler``).
enum RequestReadError: Error, Equatable, LocalizedError, CustomStringConvertible {
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
            switch readError {
            case .bodyTimedOut(let timeout): return .bodyTimedOut(after: timeout)
            }
        case let parserError as HTTPParserError:
            return parserRefusal(parserError)
        case is HTTP1TypeConversionError:
            return .malformedRequest(.requestLine)
        default:
            return nil
        }
    }

    /// The JSON error for each kind of HTTP parser failure.
    private static func parserRefusal(_ error: HTTPParserError) -> APIError {
        switch error {
        case .headerOverflow: .headersTooLarge
        case .invalidContentLength, .unexpectedContentLength: .invalidContentLength
        case .invalidChunkSize: .invalidChunkedBody
        case .invalidMethod: .malformedRequest(.method)
        case .invalidURL, .invalidPath, .invalidQueryString, .invalidFragment, .invalidHost, .invalidPort:
            .malformedRequest(.target)
        case .invalidVersion: .malformedRequest(.version)
        case .invalidHeaderToken, .invalidCharactersUsed, .lfExpected, .invalidConstant: .malformedRequest(.syntax)
        default: .malformedRequest(.other)
        }
    }
}
