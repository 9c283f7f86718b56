import Foundation
import Hummingbird
import VAECF

/// Reads request bodies within the size limit and turns JSON into validated queries, with an ``APIError``
/// naming the field for every problem.
struct RequestDecoding: Sendable {
    let limits: ServerLimits

    /// The whole body; 413 when it (or its declared `Content-Length`) exceeds `limits.maxBodyBytes`; 400 or 408
    /// when the HTTP layer fails it (bad chunking, read timeout).
    func body(of request: Request) async throws(APIError) -> ByteBuffer {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limits.maxBodyBytes {
            throw .bodyTooLarge(limit: limits.maxBodyBytes)
        }
        var request = request
        do {
            return try await request.collectBody(upTo: limits.maxBodyBytes)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw .bodyTooLarge(limit: limits.maxBodyBytes)
        } catch {
            // A malformed chunked body or one that arrived too slowly (see RequestGuardHandler).
            if let refusal = APIError.refusal(for: error) { throw refusal }
            throw APIError(.badRequest, code: "unreadable_body", "the request body could not be read (\(error))")
        }
    }

    /// Decodes `type` from JSON; an empty body is `malformed_json`.
    func decode<Value: Decodable>(_ type: Value.Type, from buffer: ByteBuffer) throws(APIError) -> Value {
        guard buffer.readableBytes > 0 else {
            throw APIError(.badRequest, code: "malformed_json", "the request body is empty; expected a JSON object")
        }
        do {
            let data = buffer.withUnsafeReadableBytes { Data($0) }
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw Self.describe(error)
        } catch {
            throw APIError(.badRequest, code: "malformed_json", "the request body is not valid JSON (\(error))")
        }
    }

    /// A validated query for a model of `itemCount` items; `field` prefixes names in messages (e.g. `users[3].`).
    func query(_ request: RecommendRequest, itemCount: Int, field: String = "") throws(APIError) -> RecommendationQuery
    {
        let k = request.k ?? RecommendRequest.defaultK
        guard k >= 1, k <= itemCount else {
            throw APIError(
                .badRequest, code: "invalid_k",
                "`\(field)k` must be between 1 and the model's item count \(itemCount) (got \(k))")
        }
        let exclude = request.exclude ?? []
        let total = request.items.count + exclude.count
        guard total <= limits.maxItems else {
            throw APIError(
                .badRequest, code: "too_many_items",
                "`\(field)items` and `\(field)exclude` hold \(total) ids; the limit is \(limits.maxItems)")
        }
        return RecommendationQuery(items: request.items, count: k, exclude: exclude)
    }

    /// Validated queries of a batch request.
    func queries(_ request: BatchRecommendRequest, itemCount: Int) throws(APIError) -> [RecommendationQuery] {
        guard !request.users.isEmpty else {
            throw APIError(.badRequest, code: "empty_batch", "`users` is empty; expected at least one user")
        }
        guard request.users.count <= limits.maxUsersPerRequest else {
            throw APIError(
                .badRequest, code: "too_many_users",
                "`users` holds \(request.users.count) users; the limit is \(limits.maxUsersPerRequest)")
        }
        var queries = [RecommendationQuery]()
        queries.reserveCapacity(request.users.count)
        for (index, user) in request.users.enumerated() {
            queries.append(try query(user, itemCount: itemCount, field: "users[\(index)]."))
        }
        return queries
    }

    /// A 400 naming the JSON path and the expected type.
    static func describe(_ error: DecodingError) -> APIError {
        switch error {
        case .typeMismatch(let type, let context):
            return APIError(
                .badRequest, code: "invalid_type",
                "`\(path(context.codingPath))` has the wrong type; expected \(jsonName(type))")
        case .valueNotFound(let type, let context):
            return APIError(
                .badRequest, code: "invalid_type",
                "`\(path(context.codingPath))` is null; expected \(jsonName(type))")
        case .keyNotFound(let key, let context):
            return APIError(
                .badRequest, code: "missing_field",
                "the required field `\(path(context.codingPath + [key]))` is missing")
        case .dataCorrupted(let context) where !context.codingPath.isEmpty:
            return APIError(
                .badRequest, code: "invalid_type",
                "`\(path(context.codingPath))` is invalid: \(context.debugDescription)")
        case .dataCorrupted(let context):
            let reason = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return APIError(
                .badRequest, code: "malformed_json",
                "the request body is not valid JSON (\(reason ?? context.debugDescription))")
        @unknown default:
            return APIError(.badRequest, code: "malformed_json", "the request body could not be decoded (\(error))")
        }
    }

    /// `users[2].items[0]` style path.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return text.isEmpty ? "(body)" : text
    }

    /// JSON's word for a Swift type.
    static func jsonName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "a boolean"
        case is [Any].Type, is [String].Type, is [RecommendRequest].Type: "an array"
        default: String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}
