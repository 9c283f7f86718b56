import Foundation
import Hummingbird
import VAECF

/// The response encoder of ``ServerRequestContext``: a 200 JSON response with sorted keys, so the same answer
/// is the same bytes. A value that does not encode throws ``APIError/encodingFailed(reason:)``.
package struct SortedJSONEncoder: ResponseEncoder {
    /// The `Content-Type` of every JSON answer, errors included.
    static let contentType = "application/json; charset=utf-8"

    package func encode(
        _ value: some Encodable, from request: Request, context: some RequestContext
    ) throws -> Response {
        let data: Data
        do { data = try Self.data(of: value) } catch { throw APIError.encodingFailed(reason: "\(error)") }
        return Response(
            status: .ok, headers: [.contentType: Self.contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `value` as JSON, keys sorted.
    static func data(of value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(value)
    }
}

// The answers of the package API, encoded by the context's ``SortedJSONEncoder``.
extension RecommendationResult: ResponseEncodable {}
extension ModelDescription: ResponseEncodable {}
extension BatchRecommendResponse: ResponseEncodable {}
extension HealthResponse: ResponseEncodable {}
extension ReloadResponse: ResponseEncodable {}
extension SimilarItemsResponse: ResponseEncodable {}
