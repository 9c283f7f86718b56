/// The portable SIMD kernel of ``SmallBatchProduct``: one tile of 16 columns for up to four input rows,
/// with separate multiplies and adds (no fused multiply-add instruction is assumed).
enum PortableSmallBatchKernel {
    /// `output[j, c] = sum over r of input[j, r] * W[r, c] + bias[c]` for the rows `j < rows` (1 ... 4) and the
    /// columns `c` of tile `tile` below `columns`; sums from zero, `r` in order, bias added last.
    ///
    /// Four rows are always computed (missing ones repeat row 0 and are not stored), so each value is formed
    /// by the same operations whatever `rows` is.
    @inline(__always)
    static func tile(
        _ tile: Int, weight: UnsafePointer<Float>, depth: Int, columns: Int, ldw: Int, input: UnsafePointer<Float>,
        lda: Int, rows: Int, bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let first = tile * SmallBatchProduct.tileColumns
        let width = min(SmallBatchProduct.tileColumns, columns - first)
        let x0 = input
        let x1 = rows > 1 ? input + lda : input
        let x2 = rows > 2 ? input + 2 * lda : input
        let x3 = rows > 3 ? input + 3 * lda : input
        var a00 = SIMD8<Float>(), a01 = SIMD8<Float>(), a10 = SIMD8<Float>(), a11 = SIMD8<Float>()
        var a20 = SIMD8<Float>(), a21 = SIMD8<Float>(), a30 = SIMD8<Float>(), a31 = SIMD8<Float>()
        var line = weight + first
        if width == SmallBatchProduct.tileColumns {
            for r in 0..<depth {
                let w0 = UnsafeRawPointer(line).loadUnaligned(as: SIMD8<Float>.self)
                let w1 = UnsafeRawPointer(line + 8).loadUnaligned(as: SIMD8<Float>.self)
                accumulate(w0, w1, x0[r], x1[r], x2[r], x3[r], &a00, &a01, &a10, &a11, &a20, &a21, &a30, &a31)
                line += ldw
            }
        } else {
            for r in 0..<depth {
                var w0 = SIMD8<Float>(), w1 = SIMD8<Float>()
                for lane in 0..<min(8, width) { w0[lane] = line[lane] }
                for lane in 8..<max(8, width) { w1[lane - 8] = line[lane] }
                accumulate(w0, w1, x0[r], x1[r], x2[r], x3[r], &a00, &a01, &a10, &a11, &a20, &a21, &a30, &a31)
                line += ldw
            }
        }
        let tileBias = bias.map { $0 + first }
        store(a00, a01, width: width, bias: tileBias, to: output + first)
        if rows > 1 { store(a10, a11, width: width, bias: tileBias, to: output + ldc + first) }
        if rows > 2 { store(a20, a21, width: width, bias: tileBias, to: output + 2 * ldc + first) }
        if rows > 3 { store(a30, a31, width: width, bias: tileBias, to: output + 3 * ldc + first) }
    }

    /// `a_j0 += x_j * w0`, `a_j1 += x_j * w1` for the four rows.
    @inline(__always)
    private static func accumulate(
        _ w0: SIMD8<Float>, _ w1: SIMD8<Float>, _ x0: Float, _ x1: Float, _ x2: Float, _ x3: Float,
        _ a00: inout SIMD8<Float>, _ a01: inout SIMD8<Float>, _ a10: inout SIMD8<Float>, _ a11: inout SIMD8<Float>,
        _ a20: inout SIMD8<Float>, _ a21: inout SIMD8<Float>, _ a30: inout SIMD8<Float>, _ a31: inout SIMD8<Float>
    ) {
        let b0 = SIMD8<Float>(repeating: x0), b1 = SIMD8<Float>(repeating: x1)
        let b2 = SIMD8<Float>(repeating: x2), b3 = SIMD8<Float>(repeating: x3)
        a00 += b0 * w0
        a01 += b0 * w1
        a10 += b1 * w0
        a11 += b1 * w1
        a20 += b2 * w0
        a21 += b2 * w1
        a30 += b3 * w0
        a31 += b3 * w1
    }

    /// Stores the first `width` values of `low ++ high` (plus the bias, if any) at `target`.
    @inline(__always)
    private static func store(
        _ low: SIMD8<Float>, _ high: SIMD8<Float>, width: Int, bias: UnsafePointer<Float>?,
        to target: UnsafeMutablePointer<Float>
    ) {
        if width == SmallBatchProduct.tileColumns {
            var low = low, high = high
            if let bias {
                low += UnsafeRawPointer(bias).loadUnaligned(as: SIMD8<Float>.self)
                high += UnsafeRawPointer(bias + 8).loadUnaligned(as: SIMD8<Float>.self)
            }
            UnsafeMutableRawPointer(target).storeBytes(of: low, as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(target + 8).storeBytes(of: high, as: SIMD8<Float>.self)
            return
        }
        for lane in 0..<width {
            let value = lane < 8 ? low[lane] : high[lane - 8]
            target[lane] = bias.map { value + $0[lane] } ?? value
        }
    }
}
