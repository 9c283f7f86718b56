import Foundation
import VAECF

/// What the server needs from a model: its size, its description and batched recommendations.
///
/// ``Recommender`` is the real one; tests use fakes (slow, counting, failing) through the same protocol.
package protocol RecommendationBackend: Sendable {
    /// Items the model scores; `k` may not exceed it.
    var itemCount: Int { get }
    /// What `GET /v1/model` shows.
    var description: ModelDescription { get }
    /// One answer per query, in order: a single batched forward pass. Blocking CPU work: called on the
    /// batcher's worker thread, never on an event loop.
    func recommend(_ queries: [RecommendationQuery]) -> [RecommendationResult]
}

extension Recommender: RecommendationBackend {}

/// Loads the backend of a model file (for start-up and reloads). Blocking; may throw any error, which is
/// reported to the operator.
package typealias BackendLoader = @Sendable (_ path: String) throws -> any RecommendationBackend

/// The backend in service and its generation, swapped atomically by reloads.
///
/// A request takes the current pair once, when it arrives, and is answered by that backend even if a reload
/// swaps in another one meanwhile: requests in flight finish on the old model.
final class BackendSlot: @unchecked Sendable {
    // @unchecked Sendable: `backend` and `generation` are read and written only while `lock` is held.
    // State guarded by `lock`.
    private let lock = NSLock()
    private var backend: any RecommendationBackend
    private var generation = 0

    init(_ backend: any RecommendationBackend) {
        self.backend = backend
    }

    /// The backend in service and its generation (1 more after every swap).
    var current: (backend: any RecommendationBackend, generation: Int) {
        lock.withLock { (backend, generation) }
    }

    /// Puts `newBackend` in service; returns its generation.
    @discardableResult
    func replace(with newBackend: any RecommendationBackend) -> Int {
        lock.withLock {
            backend = newBackend
            generation += 1
            return generation
        }
    }
}
