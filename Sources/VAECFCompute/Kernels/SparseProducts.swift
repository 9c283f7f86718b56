import VAECFCore

/// Products of a sparse batch (rows of a binary CSR matrix with one value per stored entry) with dense
/// row-major matrices: the first encoder layer and its weight gradient.
package enum SparseProducts {
    /// `output[b, :] = sum_p values[p] * weights[column(p), :]` for the rows `rows` of `matrix`.
    ///
    /// - Parameters:
    ///   - rowOffsets, columnIndices: the CSR structure; `values[p - rowOffsets[rows.lowerBound]]` is the value of
    ///     entry `p` (so `values` is `[entries of the batch]`).
    ///   - weights: `[columns, width]`, row-major.
    ///   - output: `[rows.count, width]`, overwritten.
    /// Entries whose value is 0 (dropped by dropout) are skipped: their weight rows are not read.
    /// Parallel over batch rows (each row is written by one worker: deterministic for any thread count).
    package static func multiply(
        rowOffsets: UnsafePointer<Int>, columnIndices: UnsafePointer<Int32>, rows: Range<Int>,
        values: UnsafePointer<Float>, weights: UnsafePointer<Float>, width: Int,
        output: UnsafeMutablePointer<Float>, executor: ParallelExecutor
    ) {
        let base = rowOffsets[rows.lowerBound]
        executor.forEachChunk(count: rows.count, minimumChunk: 16) { _, chunk in
            for local in chunk {
                let destination = output + local * width
                destination.initialize(repeating: 0, count: width)
                let row = rows.lowerBound + local
                for entry in rowOffsets[row]..<rowOffsets[row + 1] {
                    let value = values[entry - base]
                    // An entry that dropout zeroed adds nothing: its weight row is not read.
                    guard value != 0 else { continue }
                    let source = weights + Int(columnIndices[entry]) * width
                    axpy(value, source, destination, width)
                }
            }
        }
    }

    /// `weightGradient[column(p), :] += values[p] * gradient[b, :]` for every entry `p` of batch row `b`
    /// (the transpose product `X^T G`). Parallel over column blocks of the width, so no two workers touch
    /// the same floats and the summation order (batch rows in order) is fixed. Entries whose value is 0 are skipped.
    ///
    /// - Parameters:
    ///   - gradient: `[rows.count, width]`.
    ///   - weightGradient: `[columns, width]`, accumulated into.
    package static func accumulateTransposeProduct(
        rowOffsets: UnsafePointer<Int>, columnIndices: UnsafePointer<Int32>, rows: Range<Int>,
        values: UnsafePointer<Float>, gradient: UnsafePointer<Float>, width: Int,
        weightGradient: UnsafeMutablePointer<Float>, executor: ParallelExecutor
    ) {
        let base = rowOffsets[rows.lowerBound]
        let blocks = (width + 15) / 16
        executor.forEachChunk(count: blocks) { _, blockRange in
            let start = blockRange.lowerBound * 16
            let end = min(width, blockRange.upperBound * 16)
            let span = end - start
            for local in 0..<rows.count {
                let row = rows.lowerBound + local
                let source = gradient + local * width + start
                for entry in rowOffsets[row]..<rowOffsets[row + 1] {
                    let value = values[entry - base]
                    guard value != 0 else { continue }
                    axpy(value, source, weightGradient + Int(columnIndices[entry]) * width + start, span)
                }
            }
        }
    }

    /// `y[0 ..< count] += alpha * x[0 ..< count]`.
    @inlinable @inline(__always)
    static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ count: Int) {
        var index = 0
        let scale = VectorMath.Vector(repeating: alpha)
        while index + 16 <= count {
            let value =
                UnsafeRawPointer(y + index).loadUnaligned(as: VectorMath.Vector.self)
                + scale * UnsafeRawPointer(x + index).loadUnaligned(as: VectorMath.Vector.self)
            UnsafeMutableRawPointer(y + index).storeBytes(of: value, as: VectorMath.Vector.self)
            index += 16
        }
        while index < count {
            y[index] += alpha * x[index]
            index += 1
        }
    }
}
