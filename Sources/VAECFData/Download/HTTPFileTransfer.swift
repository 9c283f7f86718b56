import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Progress of a transfer: bytes received so far and the total when the server announced it.
public typealias TransferProgress = @Sendable (_ receivedBytes: Int64, _ expectedBytes: Int64?) -> Void

/// HTTP(S) GET with URLSession that streams the body to a file (or memory) while computing its MD5, and
/// turns HTTP error statuses into ``DownloadError/httpStatus(url:status:)``.
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
    static func fetch(_ url: URL, limit: Int = 1 << 16) async throws(DownloadError) -> Data {
        try await transfer(url, to: nil, limit: Int64(limit), progress: nil).body
    }

    /// Streams `url` into `destination` (created or truncated) and returns its size and MD5.
    static func download(_ url: URL, to destination: URL, progress: TransferProgress?) async throws(DownloadError)
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
        let outcome = try await transfer(url, to: handle, limit: nil, progress: progress)
        do { try handle.synchronize() } catch {
            throw .file(path: destination.path, reason: error.localizedDescription)
        }
        return (outcome.byteCount, outcome.md5)
    }

    private static func transfer(_ url: URL, to handle: FileHandle?, limit: Int64?, progress: TransferProgress?)
        async throws(DownloadError) -> Outcome
    {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Outcome, DownloadError>, Never>) in
            let delegate = StreamingDelegate(
                url: url, handle: handle, limit: limit, progress: progress, continuation: continuation)
            let configuration = URLSessionConfiguration.ephemeral
            configuration.timeoutIntervalForRequest = 60
            let queue = OperationQueue()
            queue.maxConcurrentOperationCount = 1
            let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: queue)
            session.dataTask(with: url).resume()
            session.finishTasksAndInvalidate()
        }
        return try result.get()
    }
}

/// Receives a data task's events on a serial queue; every mutable field is guarded by `lock`.
private final class StreamingDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let url: URL
    private let handle: FileHandle?
    private let limit: Int64?
    private let progress: TransferProgress?
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Result<HTTPFileTransfer.Outcome, DownloadError>, Never>?
    private var body = Data()
    private var digest = MD5()
    private var received: Int64 = 0
    private var expected: Int64?
    private var failure: DownloadError?

    init(
        url: URL, handle: FileHandle?, limit: Int64?, progress: TransferProgress?,
        continuation: CheckedContinuation<Result<HTTPFileTransfer.Outcome, DownloadError>, Never>
    ) {
        self.url = url
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
        data.withUnsafeBytes { digest.update($0) }
        if let limit, received > limit {
            failure = .transfer(url: url.absoluteString, reason: "the response is larger than \(limit) bytes")
        } else if let handle {
            do { try handle.write(contentsOf: data) } catch {
                failure = .transfer(url: url.absoluteString, reason: "cannot save the data: \(error.localizedDescription)")
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
        } else if let error {
            result = .failure(.transfer(url: url.absoluteString, reason: error.localizedDescription))
        } else {
            result = .success(.init(body: body, byteCount: received, md5: digest.finalize()))
        }
        let continuation = self.continuation
        self.continuation = nil
        lock.unlock()
        continuation?.resume(returning: result)
    }
}
