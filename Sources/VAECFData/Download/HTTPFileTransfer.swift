import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Progress of a transfer: bytes received so far and the total when the server announced it.
package typealias TransferProgress = @Sendable (_ receivedBytes: Int64, _ expectedBytes: Int64?) -> Void

/// HTTP(S) GET with URLSession that streams the body to a file (or memory) while computing its MD5, and
/// turns HTTP error statuses into ``DownloadError/httpStatus(url:status:)``. A watchdog enforces the
/// ``TransferLimits``: a server silent for the stall timeout, or a transfer past the deadline, ends it with
/// ``DownloadError/stalled(url:seconds:receivedBytes:)`` or ``DownloadError/deadlineExceeded(url:seconds:receivedBytes:)``.
enum HTTPFileTransfer {
    /// What a finished transfer produced.
    struct Outcome: Sendable {
        /// The body, when it was kept in memory.
        var body: Data
        /// Number of body bytes.
        var byteCount: Int64
        /// MD5 of the body.
        var md5: MD5.Digest
    }

    /// Fetches a small resource into memory (at most `limit` bytes).
    static func fetch(_ url: URL, limits: TransferLimits, limit: Int = 1 << 16) async throws(DownloadError) -> Data {
        try await transfer(url, to: nil, limit: Int64(limit), limits: limits, progress: nil).body
    }

    /// Streams `url` into `destination` (created or truncated) and returns its size and MD5.
    static func download(
        _ url: URL, to destination: URL, limits: TransferLimits, progress: TransferProgress?
    )
        async throws(DownloadError)
        -> (byteCount: Int64, md5: MD5.Digest)
    {
        guard FileManager.default.createFile(atPath: destination.path, contents: nil) else {
            throw .file(path: destination.path, reason: "cannot create the file (missing folder or no permission)")
        }
        let handle: FileHandle
        do { handle = try FileHandle(forWritingTo: destination) } catch {
            throw .file(path: destination.path, reason: error.localizedDescription)
        }
        defer { try? handle.close() }
        let outcome = try await transfer(url, to: handle, limit: nil, limits: limits, progress: progress)
        do { try handle.synchronize() } catch {
            throw .file(path: destination.path, reason: error.localizedDescription)
        }
        return (outcome.byteCount, outcome.md5)
    }

    private static func transfer(
        _ url: URL, to handle: FileHandle?, limit: Int64?, limits: TransferLimits, progress: TransferProgress?
    ) async throws(DownloadError) -> Outcome {
        let result = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<Outcome, DownloadError>, Never>) in
            let delegate = StreamingDelegate(
                url: url, handle: handle, limit: limit, limits: limits, progress: progress, continuation: continuation)
            let configuration = URLSessionConfiguration.ephemeral
            // The watchdog enforces the limits; URLSession's own idle timeout only backs it up.
            configuration.timeoutIntervalForRequest = limits.stallTimeout + 30
            let queue = OperationQueue()
            queue.maxConcurrentOperationCount = 1
            let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: queue)
            let task = session.dataTask(with: url)
            delegate.startWatchdog(cancelling: task)
            task.resume()
            session.finishTasksAndInvalidate()
        }
        return try result.get()
    }
}

/// Receives a data task's events on a serial queue; every mutable field is guarded by `lock`.
private final class StreamingDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    // @unchecked Sendable: every mutable field is read and written only while `lock` is held.
    private let url: URL
    private let handle: FileHandle?
    private let limit: Int64?
    private let progress: TransferProgress?
    private let limits: TransferLimits
    private let lock = NSLock()
    private var lastActivity = ContinuousClock.now
    private var watchdog: (any DispatchSourceTimer)?
    private var continuation: CheckedContinuation<Result<HTTPFileTransfer.Outcome, DownloadError>, Never>?
    private var body = Data()
    private var digest = MD5()
    private var received: Int64 = 0
    private var expected: Int64?
    private var failure: DownloadError?

    init(
        url: URL, handle: FileHandle?, limit: Int64?, limits: TransferLimits, progress: TransferProgress?,
        continuation: CheckedContinuation<Result<HTTPFileTransfer.Outcome, DownloadError>, Never>
    ) {
        self.url = url
        self.limits = limits
        self.handle = handle
        self.limit = limit
        self.progress = progress
        self.continuation = continuation
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        lock.lock()
        lastActivity = ContinuousClock.now
        if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
            failure = .httpStatus(url: url.absoluteString, status: http.statusCode)
        }
        expected = response.expectedContentLength > 0 ? response.expectedContentLength : nil
        let failed = failure != nil
        lock.unlock()
        // FoundationNetworking may ignore the disposition, so a failed task is also cancelled directly.
        completionHandler(failed ? .cancel : .allow)
        if failed { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock()
        guard failure == nil else {
            lock.unlock()
            return
        }
        received += Int64(data.count)
        lastActivity = ContinuousClock.now
        data.withUnsafeBytes { digest.update($0) }
        if let limit, received > limit {
            failure = .transfer(url: url.absoluteString, reason: "the response is larger than \(limit) bytes")
        } else if let handle {
            do { try handle.write(contentsOf: data) } catch {
                failure = .transfer(
                    url: url.absoluteString, reason: "cannot save the data: \(error.localizedDescription)")
            }
        } else {
            body.append(data)
        }
        let (failed, receivedNow, expectedNow) = (failure != nil, received, expected)
        lock.unlock()
        if failed { dataTask.cancel() } else { progress?(receivedNow, expectedNow) }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        lock.lock()
        let result: Result<HTTPFileTransfer.Outcome, DownloadError>
        if let failure {
            result = .failure(failure)
        } else if let timeout = error as? URLError, timeout.code == .timedOut {
            result = .failure(.stalled(url: url.absoluteString, seconds: limits.stallTimeout, receivedBytes: received))
        } else if let error {
            result = .failure(.transfer(url: url.absoluteString, reason: error.localizedDescription))
        } else {
            result = .success(.init(body: body, byteCount: received, md5: digest.finalize()))
        }
        lock.unlock()
        finish(with: result)
    }

    /// Checks the limits every 50 ms; past one, ends the transfer with its error and cancels `task`.
    func startWatchdog(cancelling task: URLSessionTask) {
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + .milliseconds(50), repeating: .milliseconds(50))
        timer.setEventHandler { [weak self] in
            guard let self, let error = self.limitViolation() else { return }
            self.finish(with: .failure(error))
            task.cancel()
        }
        lock.lock()
        watchdog = timer
        lock.unlock()
        timer.resume()
    }

    /// The limit the transfer has just broken (recorded as its failure), or nil.
    private func limitViolation() -> DownloadError? {
        lock.lock()
        defer { lock.unlock() }
        guard failure == nil, continuation != nil else { return nil }
        let now = ContinuousClock.now
        failure = limits.violation(url: url, now: now, idle: now - lastActivity, received: received)
        return failure
    }

    /// Resumes the waiting caller once (later calls do nothing) and stops the watchdog.
    private func finish(with result: Result<HTTPFileTransfer.Outcome, DownloadError>) {
        lock.lock()
        let continuation = self.continuation
        self.continuation = nil
        let timer = watchdog
        watchdog = nil
        lock.unlock()
        timer?.cancel()
        continuation?.resume(returning: result)
    }
}
