import Foundation

/// Adds up the bytes parsed by all threads and forwards the total to a progress callback, one call at a
/// time, with a non-decreasing byte count.
final class ReadProgress: @unchecked Sendable {
    // @unchecked Sendable: `done` is read and written only while `lock` is held; the rest never changes.
    private let lock = NSLock()
    private let callback: (@Sendable (Int, Int) -> Void)?
    private let total: Int
    private var done = 0

    /// Bytes a thread parses between two reports.
    static let reportInterval = 8 << 20

    init(total: Int, callback: (@Sendable (Int, Int) -> Void)?) {
        self.total = total
        self.callback = callback
    }

    /// True when there is a callback to call.
    var isActive: Bool { callback != nil }

    /// Records `bytes` more parsed bytes and reports the new total.
    func advance(by bytes: Int) {
        guard let callback, bytes > 0 else { return }
        lock.lock()
        defer { lock.unlock() }
        done = min(total, done + bytes)
        callback(done, total)
    }

    /// Reports the whole file as done (once, at the end), unless that was already reported.
    func finish() {
        guard let callback else { return }
        lock.lock()
        defer { lock.unlock() }
        guard done < total else { return }
        done = total
        callback(done, total)
    }
}
