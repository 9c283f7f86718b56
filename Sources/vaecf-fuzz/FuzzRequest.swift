import Hummingbird
#if DEBUG
// The request decoding is internal to the server; debug builds (the only ones Scripts/fuzz.sh makes) can see it.
@testable import VAECFServer

/// The server's request decoding: single and batch bodies, then query validation against a 50-item model.
enum FuzzRequest {
    static let decoding = RequestDecoding(
        limits: ServerLimits(
            maxBatch: 64, maxWaitMilliseconds: 1, maxItems: 100, maxBodyBytes: 1 << 16, maxUsersPerRequest: 16))

    static func run(_ bytes: UnsafeRawBufferPointer) {
        let buffer = ByteBuffer(bytes: bytes)
        if let single = try? decoding.decode(RecommendRequest.self, from: buffer) {
            _ = try? decoding.query(single, itemCount: 50)
        }
        if let batch = try? decoding.decode(BatchRecommendRequest.self, from: buffer) {
            _ = try? decoding.queries(batch, itemCount: 50)
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
