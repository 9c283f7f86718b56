import Foundation
import Hummingbird

/// The request decoder of ``ServerRequestContext``, behind `request.decode(as:context:)`: reads the body
/// within the size limit and decodes JSON, throwing an ``APIError`` naming the field or the limit for every
/// problem (never a `DecodingError`, which Hummingbird would answer with its own message).
package struct JSONRequestDecoder: RequestDecoder {
    /// The largest body accepted, in bytes (``ServerLimits/maxBodyBytes``).
    let maxBodyBytes: Int

    package func decode<Value: Decodable>(
        _ type: Value.Type, from request: Request, context: some RequestContext
    ) async throws -> Value {
        try decode(type, from: try await body(of: request))
    }

    /// The whole body; 413 when it (or its declared `Content-Length`) exceeds `maxBodyBytes`; 400 or 408 when
    /// the HTTP layer fails it (bad chunking, read timeout).
    func body(of request: Request) async throws(APIError) -> ByteBuffer {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maxBodyBytes {
            throw .bodyTooLarge(limit: maxBodyBytes)
        }
        do {
            return try await request.body.collect(upTo: maxBodyBytes)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw .bodyTooLarge(limit: maxBodyBytes)
        } catch {
            // A malformed chunked body or one that arrived too slowly (see RequestGuardHandler).
            throw APIError.refusal(for: error) ?? .unreadableBody(reason: "\(error)")
        }
    }

    /// Decodes `type` from JSON. An empty body is ``APIError/emptyBody``, unless `type` is a
    /// ``DefaultedRequestBody``, whose default it then is.
    func decode<Value: Decodable>(_ type: Value.Type, from buffer: ByteBuffer) throws(APIError) -> Value {
        guard buffer.readableBytes > 0 else {
            if let defaulted = type as? any DefaultedRequestBody.Type, let value = defaulted.whenEmpty as? Value {
                return value
            }
            throw .emptyBody
        }
        do {
            let data = buffer.withUnsafeReadableBytes { Data($0) }
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw APIError(error)
        } catch {
            throw .malformedJSON(reason: "\(error)")
        }
    }
}

/// A request body that may be left out: an empty body decodes as ``whenEmpty``.
protocol DefaultedRequestBody: Decodable {
    /// The value of an empty body.
    static var whenEmpty: Self { get }
}

extension ReloadRequest: DefaultedRequestBody {
    /// Without a body, the current model file is read again.
    static var whenEmpty: ReloadRequest { ReloadRequest() }
}
