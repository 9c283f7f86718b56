/// A fixed-size, heap-allocated, zero-initialized float buffer with a stable address, for parameters,
/// gradients, optimizer moments and scratch space. Reference type: views into it stay valid.
package final class FloatBuffer: @unchecked Sendable {
    // @unchecked Sendable: the address never changes; concurrent code writes disjoint ranges inside one
    // `ParallelExecutor` call (which joins before returning) or only reads (served weights are never written).
    /// Start of the storage.
    package let pointer: UnsafeMutablePointer<Float>
    /// Number of floats.
    package let count: Int

    /// A buffer of `count` zeros.
    package init(count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    /// A buffer holding a copy of `values`.
    package convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { pointer.deallocate() }

    /// The contents as an array.
    package var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    /// Overwrites the contents with `other`'s (same count).
    package func copy(from other: FloatBuffer) {
        precondition(other.count == count, "buffer sizes differ: \(other.count) vs \(count)")
        pointer.update(from: other.pointer, count: count)
    }

    /// Sets every element to zero.
    package func zero() { pointer.update(repeating: 0, count: count) }

    /// The buffer as a typed buffer pointer.
    package var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }
}

/// A growable scratch buffer that reallocates only when a larger size is requested (rarely: the first
/// steps of training), so step loops do not allocate.
final class ScratchBuffer<Element>: @unchecked Sendable {
    // @unchecked Sendable: owned by one engine (see ``MultVAEEngine``); it grows only between steps, and
    // parallel loops write disjoint ranges of it, joined before the next read.
    private(set) var pointer: UnsafeMutablePointer<Element>
    private(set) var capacity: Int

    init(capacity: Int = 1) {
        self.capacity = max(capacity, 1)
        pointer = .allocate(capacity: self.capacity)
    }

    deinit { pointer.deallocate() }

    /// Makes room for `count` elements (contents are not preserved when it grows) and returns the start.
    func reserve(_ count: Int) -> UnsafeMutablePointer<Element> {
        if count > capacity {
            pointer.deallocate()
            capacity = max(count, capacity + capacity / 2)
            pointer = .allocate(capacity: capacity)
        }
        return pointer
    }
}
