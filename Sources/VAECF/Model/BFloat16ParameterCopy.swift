import VAECFCompute
import VAECFCore

/// The bfloat16 copy (bits, ties to even) of a flat parameter buffer `[count]`, read by bfloat16 training's
/// products instead of the float32 master weights: packing it reads half the bytes and rounds nothing, and the
/// products give the same bits as from the floats.
///
/// The Adam pass writes the copy as it updates the parameters (``AdamOptimizer/update(parameters:gradients:gradientScale:bfloat16Copy:executor:)``),
/// so keeping it costs no pass of its own; ``refresh(executor:)`` rounds the whole buffer after other writes
/// (initialization, a restored checkpoint, a broadcast). It mirrors ``source`` only while every writer of
/// `source` keeps it so; the engine uses it only for that buffer.
package final class BFloat16ParameterCopy: @unchecked Sendable {
    // @unchecked Sendable: written only by `refresh` and the Adam pass (disjoint chunks, joined before they
    // return) of the one trainer that owns it; the products only read it.
    /// The float32 parameters this copy mirrors.
    package let source: FloatBuffer
    /// The bits of `source`'s values rounded to bfloat16, `[source.count]`.
    let pointer: UnsafeMutablePointer<UInt16>

    /// A copy of `source`, rounded now. Needs AVX512-BF16 (``BFloat16Products/isSupported``).
    package init(of source: FloatBuffer, executor: ParallelExecutor) {
        precondition(BFloat16Products.isSupported, "a bfloat16 copy needs AVX512-BF16")
        self.source = source
        pointer = .allocate(capacity: max(source.count, 1))
        refresh(executor: executor)
    }

    deinit { pointer.deallocate() }

    /// Rounds all of ``source`` into the copy, chunks split between the workers.
    package func refresh(executor: ParallelExecutor) {
        let (values, copy) = (UnsafePointer(source.pointer), pointer)
        executor.forEachChunk(count: source.count, minimumChunk: 1 << 16) { _, range in
            BFloat16Products.round(values + range.lowerBound, count: range.count, into: copy + range.lowerBound)
        }
    }

    /// The copy's values widened back to float (for tests and checks).
    package var values: [Float] {
        (0..<source.count).map { BFloat16Products.widened(pointer[$0]) }
    }
}
