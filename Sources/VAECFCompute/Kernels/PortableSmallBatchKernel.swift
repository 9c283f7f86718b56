/// The portable SIMD kernel of ``SmallBatchProduct``: 16 columns of a packed tile for up to four input rows
/// per pass, with separate multiplies and adds (no fused multiply-add instruction is assumed).
enum PortableSmallBatchKernel {
    static let groupRows = 4

    /// The product for the tiles `range` (see ``SmallBatchProduct/multiply(input:m:lda:bias:output:ldc:executor:)``).
    static func multiply(
        tiles: UnsafePointer<Float>, depth: Int, columns: Int, range: Range<Int>, input: UnsafePointer<Float>,
        lda: Int, m: Int, bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let tileColumns = SmallBatchProduct.tileColumns
        for tile in range {
            for half in stride(from: 0, to: tileColumns, by: 16) {
                let first = tile * tileColumns + half
                guard first < columns else { break }
                var group = 0
                while group < m {
                    let rows = min(groupRows, m - group)
                    halfTile(
                        tiles + tile * depth * tileColumns + half, depth: depth, width: min(16, columns - first),
                        input: input + group * lda, lda: lda, rows: rows, bias: bias.map { $0 + first },
                        output: output + group * ldc + first, ldc: ldc)
                    group += rows
                }
            }
        }
    }

    /// `output[j, c] = sum over r of input[j, r] * W[r, c] + bias[c]` for the rows `j < rows` (1 ... 4) and the
    /// first `width` of the 16 columns starting at `line` (rows `tileColumns` apart, zero padded); sums from
    /// zero, `r` in order, bias added last. Four rows are always computed (missing ones repeat row 0 and are not
    /// stored), so each value is formed by the same operations whatever `rows` is.
    @inline(__always)
    private static func halfTile(
        _ line: UnsafePointer<Float>, depth: Int, width: Int, input: UnsafePointer<Float>, lda: Int, rows: Int,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let x0 = input
        let x1 = rows > 1 ? input + lda : input
        let x2 = rows > 2 ? input + 2 * lda : input
        let x3 = rows > 3 ? input + 3 * lda : input
        var a00 = SIMD8<Float>(), a01 = SIMD8<Float>(), a10 = SIMD8<Float>(), a11 = SIMD8<Float>()
        var a20 = SIMD8<Float>(), a21 = SIMD8<Float>(), a30 = SIMD8<Float>(), a31 = SIMD8<Float>()
        var line = line
        for r in 0..<depth {
            let w0 = UnsafeRawPointer(line).loadUnaligned(as: SIMD8<Float>.self)
            let w1 = UnsafeRawPointer(line + 8).loadUnaligned(as: SIMD8<Float>.self)
            let b0 = SIMD8<Float>(repeating: x0[r]), b1 = SIMD8<Float>(repeating: x1[r])
            let b2 = SIMD8<Float>(repeating: x2[r]), b3 = SIMD8<Float>(repeating: x3[r])
            a00 += b0 * w0
            a01 += b0 * w1
            a10 += b1 * w0
            a11 += b1 * w1
            a20 += b2 * w0
            a21 += b2 * w1
            a30 += b3 * w0
            a31 += b3 * w1
            line += SmallBatchProduct.tileColumns
        }
        store(a00, a01, width: width, bias: bias, to: output)
        if rows > 1 { store(a10, a11, width: width, bias: bias, to: output + ldc) }
        if rows > 2 { store(a20, a21, width: width, bias: bias, to: output + 2 * ldc) }
        if rows > 3 { store(a30, a31, width: width, bias: bias, to: output + 3 * ldc) }
    }

    /// Stores the first `width` values of `low ++ high` (plus the bias, if any) at `target`.
    @inline(__always)
    private static func store(
        _ low: SIMD8<Float>, _ high: SIMD8<Float>, width: Int, bias: UnsafePointer<Float>?,
        to target: UnsafeMutablePointer<Float>
    ) {
        if width == 16 {
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
