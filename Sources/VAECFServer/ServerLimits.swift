/// Request-size and batching limits of the recommendation server.
package struct ServerLimits: Sendable, Equatable {
    /// The most queries one coalesced forward pass takes.
    package var maxBatch: Int
    /// How long the batcher waits for more queries once the first one arrived, in milliseconds.
    package var maxWaitMilliseconds: Double
    /// The most history items one query may carry (`items` plus `exclude`).
    package var maxItems: Int
    /// The largest request body accepted, in bytes; larger bodies get 413.
    package var maxBodyBytes: Int
    /// The most users one batch request may carry.
    package var maxUsersPerRequest: Int

    package init(
        maxBatch: Int = 256, maxWaitMilliseconds: Double = 2, maxItems: Int = 10_000,
        maxBodyBytes: Int = 1 << 20, maxUsersPerRequest: Int = 1024
    ) {
        self.maxBatch = maxBatch
        self.maxWaitMilliseconds = maxWaitMilliseconds
        self.maxItems = maxItems
        self.maxBodyBytes = maxBodyBytes
        self.maxUsersPerRequest = maxUsersPerRequest
    }
}
