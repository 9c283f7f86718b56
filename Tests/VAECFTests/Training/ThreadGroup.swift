import Foundation
import VAECF

/// An in-process ``DataParallelGroup``: `size` members on their own threads, meeting at a barrier, summing in
/// rank order. ``ThreadGroup/run(size:_:)`` runs a body per member; when one member throws, the others are
/// released from their collectives with an error, as `MPI_Abort` ends an MPI job.
final class ThreadGroup: @unchecked Sendable {
    // @unchecked: every mutable field is guarded by `condition`, or written by one member between barriers.
    let size: Int
    private let condition = NSCondition()
    private var arrived = 0
    private var generation = 0
    private var failed = false
    private var sources: [UnsafeMutableRawPointer?]
    private var sum: [Float] = []

    private init(size: Int) {
        self.size = size
        sources = Array(repeating: nil, count: size)
    }

    /// Runs `body` for every rank on its own thread and returns each rank's result or error, in rank order.
    static func run<T>(size: Int, _ body: @escaping @Sendable (Member) throws -> T) -> [Result<T, any Error>] {
        let group = ThreadGroup(size: size)
        let results = Results<T>(count: size)
        let finished = DispatchGroup()
        for rank in 0..<size {
            finished.enter()
            let thread = Thread {
                let result = Result { try body(Member(group: group, rank: rank)) }
                if case .failure = result { group.fail() }
                results.set(rank, result)
                finished.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        finished.wait()
        return results.values.map { $0! }
    }

    private func fail() {
        condition.withLock {
            failed = true
            condition.broadcast()
        }
    }

    fileprivate func barrier() throws(DataParallelError) {
        condition.lock()
        defer { condition.unlock() }
        if failed { throw .memberFailed }
        let mine = generation
        arrived += 1
        if arrived == size {
            arrived = 0
            generation += 1
            condition.broadcast()
            return
        }
        while generation == mine && !failed { condition.wait() }
        if failed { throw .memberFailed }
    }

    /// One rank of the group.
    final class Member: DataParallelGroup, @unchecked Sendable {
        let group: ThreadGroup
        let rank: Int
        var size: Int { group.size }

        init(group: ThreadGroup, rank: Int) {
            self.group = group
            self.rank = rank
        }

        func allReduceSum(_ values: UnsafeMutablePointer<Float>, count: Int) throws(DataParallelError) {
            group.sources[rank] = UnsafeMutableRawPointer(values)
            try group.barrier()
            if rank == 0 {
                group.sum = [Float](repeating: 0, count: count)
                for source in group.sources {
                    let floats = source!.assumingMemoryBound(to: Float.self)
                    for index in 0..<count { group.sum[index] += floats[index] }
                }
            }
            try group.barrier()
            group.sum.withUnsafeBufferPointer { values.update(from: $0.baseAddress!, count: count) }
            try group.barrier()
        }

        func broadcast(_ bytes: UnsafeMutableRawPointer, count: Int, root: Int) throws(DataParallelError) {
            group.sources[rank] = bytes
            try group.barrier()
            if rank != root { bytes.copyMemory(from: group.sources[root]!, byteCount: count) }
            try group.barrier()
        }
    }

    private final class Results<T>: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var values: [Result<T, any Error>?]
        init(count: Int) { values = Array(repeating: nil, count: count) }
        func set(_ index: Int, _ value: Result<T, any Error>) { lock.withLock { values[index] = value } }
    }
}
