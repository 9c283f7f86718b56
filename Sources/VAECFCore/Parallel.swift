import Dispatch

/// Runs loops over both cores (or `threadCount` workers) with a fixed partition of the work.
///
/// The partition depends only on the element count and `threadCount`, so any reduction done per chunk and
/// combined in chunk order is bitwise reproducible for a given thread count. Never call it from inside a
/// multi-threaded BLAS call, and do not nest it.
package struct ParallelExecutor: Sendable {
    /// Number of workers; at least 1.
    package let threadCount: Int

    package init(threadCount: Int) {
        precondition(threadCount >= 1, "threadCount must be at least 1")
        self.threadCount = threadCount
    }

    /// Workers of this machine: the `VAECF_THREADS` environment variable, or the active processor count.
    package static var defaultThreadCount: Int {
        if let text = getEnvironment("VAECF_THREADS"), let value = Int(text), value >= 1 { return value }
        return max(1, ProcessInfoShim.activeProcessorCount)
    }

    /// The range of chunk `chunk` when `count` elements are split into `chunks` nearly equal parts.
    @inlinable package static func range(ofChunk chunk: Int, chunks: Int, count: Int) -> Range<Int> {
        let base = count / chunks
        let extra = count % chunks
        let start = chunk * base + min(chunk, extra)
        return start..<(start + base + (chunk < extra ? 1 : 0))
    }

    /// Calls `body(chunk, range)` once per chunk of `0 ..< count`, chunks in parallel.
    /// Uses at most `threadCount` chunks, and fewer when `count < minimumChunk * threadCount`.
    package func forEachChunk(count: Int, minimumChunk: Int = 1, _ body: (Int, Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = max(1, min(threadCount, count / max(1, minimumChunk)))
        if chunks == 1 {
            body(0, 0..<count)
            return
        }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                box.value(chunk, Self.range(ofChunk: chunk, chunks: chunks, count: count))
            }
        }
    }

    /// Calls `body(index)` for every index of `0 ..< count`, in parallel.
    package func forEach(count: Int, _ body: (Int) -> Void) {
        guard count > 0 else { return }
        if threadCount == 1 || count == 1 {
            for index in 0..<count { body(index) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: count) { box.value($0) }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads an environment variable without Foundation.
package func getEnvironment(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    return String(cString: value)
}

enum ProcessInfoShim {
    static var activeProcessorCount: Int {
        return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    }
}

/// Carries a value that the caller knows is safe to share (for example a closure over disjoint slices of
/// unsafe buffers) into concurrent code.
package struct UncheckedSendable<Value>: @unchecked Sendable {
    // @unchecked Sendable: by contract; each use says why its value is safe to share (disjoint writes joined
    // by the executor, or read-only data).
    package let value: Value
    package init(_ value: Value) { self.value = value }
}
