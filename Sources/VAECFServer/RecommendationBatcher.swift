import Foundation
import VAECF

/// Coalesces concurrent recommendation requests into batched forward passes on one worker thread.
///
/// Requests queue their queries with ``submit(_:backend:generation:announced:)``; the worker takes up to
/// `maxBatch` queries answered by the same backend, runs one ``RecommendationBackend/recommend(_:)`` call
/// and resumes every request. Once the first query of a batch is queued the worker waits at most `maxWait`
/// for more, and only while other requests are still being decoded (``beginArrival()``): a lone client pays
/// no wait, a crowd fills the batch while the previous pass runs. The forward pass never runs on an event loop.
/// Call ``shutdown()`` when done: it ends the worker thread.
final class RecommendationBatcher: @unchecked Sendable {
    // @unchecked Sendable: the queue, counters and flags are touched only while `condition` is locked; the
    // forward passes run on the one worker thread, which alone owns the entry it took off the queue.
    /// What a finished forward pass reports: queries in it, seconds it took.
    typealias BatchObserver = @Sendable (_ queries: Int, _ seconds: Double) -> Void

    private struct Entry {
        let backend: any RecommendationBackend
        let generation: Int
        let queries: [RecommendationQuery]
        let arrival: Date
        let continuation: CheckedContinuation<Result<[RecommendationResult], APIError>, Never>
    }

    let maxBatch: Int
    let maxWait: TimeInterval
    private let observer: BatchObserver

    // State guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [Entry] = []
    private var head = 0
    private var queuedQueries = 0
    private var arriving = 0
    private var stopping = false
    private var stopped = false

    /// - Parameters:
    ///   - maxBatch: the most queries in one forward pass (at least 1).
    ///   - maxWait: seconds to wait for more queries once the first one is queued.
    ///   - observer: called on the worker thread after every forward pass.
    init(maxBatch: Int, maxWait: TimeInterval, observer: @escaping BatchObserver = { _, _ in }) {
        precondition(maxBatch >= 1, "maxBatch must be at least 1")
        self.maxBatch = maxBatch
        self.maxWait = max(0, maxWait)
        self.observer = observer
        // The thread keeps the batcher alive until ``shutdown()`` ends its loop.
        let thread = Thread { self.workLoop() }
        thread.name = "vaecf-batcher"
        thread.start()
    }

    /// Announces a request that will submit soon (its body is being read and decoded): the worker may wait
    /// for it. Balance with ``endArrival()`` or with a ``submit(_:backend:generation:announced:)`` that
    /// passes `announced: true`.
    func beginArrival() {
        condition.withLock { arriving += 1 }
    }

    /// The announced request submitted or gave up.
    func endArrival() {
        condition.withLock {
            arriving -= 1
            condition.broadcast()
        }
    }

    /// Answers `queries` with `backend` in as few forward passes as `maxBatch` allows, coalesced with other
    /// requests' queries; fails with 503 once ``shutdown()`` has begun. `announced`: the request called
    /// ``beginArrival()``, and its arrival ends when its queries are queued (under the same lock, so the
    /// worker never sees it neither arriving nor queued).
    func submit(
        _ queries: [RecommendationQuery], backend: any RecommendationBackend, generation: Int, announced: Bool = false
    ) async -> Result<[RecommendationResult], APIError> {
        if queries.isEmpty {
            if announced { endArrival() }
            return .success([])
        }
        var results = [RecommendationResult]()
        results.reserveCapacity(queries.count)
        var start = 0
        while start < queries.count {
            let chunk = Array(queries[start..<min(start + maxBatch, queries.count)])
            let releaseArrival = announced && start == 0
            let answer = await withCheckedContinuation { continuation in
                let accepted = condition.withLock {
                    if releaseArrival { arriving -= 1 }
                    guard !stopping else { return false }
                    queue.append(
                        Entry(
                            backend: backend, generation: generation, queries: chunk,
                            arrival: Date(), continuation: continuation))
                    queuedQueries += chunk.count
                    condition.broadcast()
                    return true
                }
                if !accepted { continuation.resume(returning: .failure(.shuttingDown)) }
            }
            switch answer {
            case .success(let part): results += part
            case .failure: return answer
            }
            start += chunk.count
        }
        return .success(results)
    }

    /// Stops taking new queries, answers those queued, and waits for the worker thread to finish.
    func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !stopped { condition.wait() }
        condition.unlock()
    }

    /// The worker: take a batch, run it outside the lock, resume its requests, repeat.
    private func workLoop() {
        condition.lock()
        while true {
            while head == queue.count && !stopping { condition.wait() }
            if head == queue.count { break }
            let deadline = queue[head].arrival.addingTimeInterval(maxWait)
            while queuedQueries < maxBatch && arriving > 0 && !stopping {
                if !condition.wait(until: deadline) { break }
            }
            let batch = takeBatch()
            condition.unlock()
            run(batch)
            condition.lock()
        }
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    /// Entries from the head of the queue for one backend generation, at most `maxBatch` queries (one entry
    /// at least). Called with the lock held.
    private func takeBatch() -> [Entry] {
        let generation = queue[head].generation
        var taken = [queue[head]]
        var count = queue[head].queries.count
        head += 1
        while head < queue.count, queue[head].generation == generation, count + queue[head].queries.count <= maxBatch {
            taken.append(queue[head])
            count += queue[head].queries.count
            head += 1
        }
        queuedQueries -= count
        if head == queue.count {
            queue.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024 {
            queue.removeFirst(head)
            head = 0
        }
        return taken
    }

    /// One forward pass for all entries of `batch`, then each request's share of the answers.
    private func run(_ batch: [Entry]) {
        let queries = batch.count == 1 ? batch[0].queries : batch.flatMap(\.queries)
        let started = DispatchTime.now().uptimeNanoseconds
        let results = batch[0].backend.recommend(queries)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        guard results.count == queries.count else {
            let error = APIError.backendFailure(answered: results.count, asked: queries.count)
            for entry in batch { entry.continuation.resume(returning: .failure(error)) }
            return
        }
        var offset = 0
        for entry in batch {
            let part = Array(results[offset..<(offset + entry.queries.count)])
            offset += entry.queries.count
            entry.continuation.resume(returning: .success(part))
        }
        observer(queries.count, seconds)
    }
}
