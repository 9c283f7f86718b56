import Foundation
import VAECFCompute

/// A value behind a lock, usable from concurrent tasks.
final class Locked<Value>: @unchecked Sendable {
    // @unchecked: `value` is only touched while `lock` is held.
    private let lock = NSLock()
    private let value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(value)
    }
}

/// The mutable state of one forward pass: the engine (not thread-safe), the logits scratch and one ranking
/// scratch per worker of the engine's executor, allocated once.
final class InferenceWorkspace {
    let engine: MultVAEEngine
    let logits = ScratchBuffer<Float>()
    let scratch = ScratchBuffer<Float>()
    /// Float16 only: the decoded output weights while a call scores several blocks of users.
    var decodedWeights: FloatBuffer?
    /// Indexed by the chunk number of `engine.executor.forEachChunk` (below its thread count).
    let rankings: [CandidateRanking]

    init(engine: MultVAEEngine, itemCount: Int, reductions: RowReductions) {
        self.engine = engine
        rankings = (0..<engine.executor.threadCount).map { _ in
            CandidateRanking(count: itemCount, reductions: reductions)
        }
    }

}
