import HummingbirdCore
import Logging

/// Bounds the open connections of one listener (Hummingbird stops accepting while the bound is reached, so
/// further clients wait in the kernel's listen backlog) and says so in the log: a warning when the bound is
/// reached, a notice once three quarters of it are free again.
struct ConnectionLimit: AvailableConnectionsDelegate {
    /// The most connections open at once.
    let maximum: Int
    /// `public` or `admin`, for the log lines.
    let api: String
    let logger: Logger
    /// Connections open now.
    private(set) var openCount = 0
    /// Whether the limit was reached and not yet relieved (one warning per episode).
    private(set) var isSaturated = false

    init(maximum: Int, api: String, logger: Logger) {
        self.maximum = max(1, maximum)
        self.api = api
        self.logger = logger
    }

    mutating func connectionOpened() {
        openCount += 1
        if openCount >= maximum && !isSaturated {
            isSaturated = true
            logger.warning(
                "\(api) API: connection limit of \(maximum) reached; new connections wait until one closes")
        }
    }

    mutating func connectionClosed() {
        openCount -= 1
        if isSaturated && openCount <= maximum * 3 / 4 {
            isSaturated = false
            logger.notice("\(api) API: \(openCount) of \(maximum) connections open; accepting again")
        }
    }

    func isAcceptingNewConnections() -> Bool { openCount < maximum }
}
