import Hummingbird
#if DEBUG
// The request decoding is internal to the server; debug builds (the only ones Scripts/fuzz.sh makes) can see it.
@testable import VAECFServer

/// The server's request decoding (the body decoder of its request context): single, batch and reload bodies,
/// then query validation against a 50-item model. Every refusal must be an ``APIError`` with a 4xx status.
enum FuzzRequest {
    static let decoder = JSONRequestDecoder(maxBodyBytes: 1 << 16)
    static let validation = QueryValidation(
        limits: ServerLimits(
            maxBatch: 64, maxWaitMilliseconds: 1, maxItems: 100, maxBodyBytes: 1 << 16, maxUsersPerRequest: 16))

    static func run(_ bytes: UnsafeRawBufferPointer) {
        let buffer = ByteBuffer(bytes: bytes)
        refused { () throws(APIError) in
            let single = try decoder.decode(RecommendRequest.self, from: buffer)
            _ = try validation.query(single, itemCount: 50)
        }
        refused { () throws(APIError) in
            let batch = try decoder.decode(BatchRecommendRequest.self, from: buffer)
            _ = try validation.queries(batch, itemCount: 50)
        }
        refused { () throws(APIError) in _ = try decoder.decode(ReloadRequest.self, from: buffer) }
    }

    /// Runs `work`; a refusal must be the client's fault (4xx) and must render as a JSON error body.
    private static func refused(_ work: () throws(APIError) -> Void) {
        do { try work() } catch {
            precondition((400..<500).contains(error.status.code), "a request body got a \(error.status.code): \(error)")
            precondition(error.jsonBody.readableBytes > 0, "an error without a body: \(error)")
        }
    }
}
#else
enum FuzzRequest {
    static func run(_ bytes: UnsafeRawBufferPointer) {
        fatalError("the request target needs a debug build: the server's request decoding is internal")
    }
}
#endif
