import Foundation

/// The time limits of a download: how long the server may stay silent, and how long the whole download
/// (checksum file and archive together) may take.
package struct DownloadLimits: Sendable, Equatable {
    /// Seconds without a single byte from the server (no answer at all, or a body that stops) before the
    /// transfer is abandoned. Default 60.
    package var stallTimeout: Double
    /// Seconds the whole download may take, however steadily bytes arrive; nil for no limit. Default one hour
    /// (MovieLens 20M is 198 MB: about 55 KB/s at the least).
    package var deadline: Double?

    package init(stallTimeout: Double = 60, deadline: Double? = 3600) {
        self.stallTimeout = stallTimeout
        self.deadline = deadline
    }

    /// The limits of a download that starts now.
    func startingNow() -> TransferLimits {
        TransferLimits(
            stallTimeout: stallTimeout, deadline: deadline.map { ContinuousClock.now + .seconds($0) },
            deadlineSeconds: deadline ?? 0)
    }
}

/// ``DownloadLimits`` of a download under way: the deadline as an instant.
struct TransferLimits: Sendable {
    var stallTimeout: Double
    var deadline: ContinuousClock.Instant?
    /// The deadline as configured, for messages.
    var deadlineSeconds: Double

    /// The error of a transfer of `url` at `now`, with `idle` seconds since the last byte, or nil when it
    /// is within its limits.
    func violation(url: URL, now: ContinuousClock.Instant, idle: Duration, received: Int64) -> DownloadError? {
        if let deadline, now >= deadline {
            return .deadlineExceeded(url: url.absoluteString, seconds: deadlineSeconds, receivedBytes: received)
        }
        if idle >= .seconds(stallTimeout) {
            return .stalled(url: url.absoluteString, seconds: stallTimeout, receivedBytes: received)
        }
        return nil
    }
}
