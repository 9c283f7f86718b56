/// The register-blocked inner kernel of the portable GEMM: one `[6, 8]` tile of `C` from packed panels.
///
/// Layouts (see `GEMMPacking`):
/// - A panel: for each `p` of the depth, 6 rows, each value broadcast to a `SIMD4<Float>` (96 bytes per step).
///   The pre-broadcast turns the per-row shuffle into a plain vector load, which matters on baseline x86-64
///   (SSE2) code where a broadcast costs a shuffle on the same ports as the arithmetic.
/// - B panel: for each `p`, 8 consecutive columns (32 bytes per step).
///
/// The accumulation over `p` runs strictly in order, so a tile's value depends only on the panels, never on
/// how the caller partitioned `C` among threads.
enum GEMMMicroKernel {
    /// Rows of a tile (`MR`).
    static let rows = 6
    /// Columns of a tile (`NR`).
    static let columns = 8
    /// Bytes of one depth step of an A panel: `rows` broadcast `SIMD4<Float>` values.
    static let aStepBytes = rows * MemoryLayout<SIMD4<Float>>.stride
    /// Bytes of one depth step of a B panel.
    static let bStepBytes = columns * MemoryLayout<Float>.stride

    /// Computes `acc = A panel * B panel` over `depth` steps and stores `C = alpha * acc + beta * C` for the
    /// top-left `validRows x validColumns` of the tile at `c` (row stride `ldc`). `beta == 0` overwrites `C`
    /// without reading it, so NaN or garbage there is ignored.
    @inline(never)
    static func multiplyTile(
        depth: Int, a: UnsafeRawPointer, b: UnsafeRawPointer,
        alpha: Float, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, validRows: Int, validColumns: Int
    ) {
        var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>(), acc2 = SIMD8<Float>()
        var acc3 = SIMD8<Float>(), acc4 = SIMD8<Float>(), acc5 = SIMD8<Float>()
        var aStep = a
        var bStep = b
        for _ in 0..<depth {
            let bValues = bStep.load(as: SIMD8<Float>.self)
            let a0 = aStep.load(fromByteOffset: 0, as: SIMD4<Float>.self)
            acc0 += SIMD8(lowHalf: a0, highHalf: a0) * bValues
            let a1 = aStep.load(fromByteOffset: 16, as: SIMD4<Float>.self)
            acc1 += SIMD8(lowHalf: a1, highHalf: a1) * bValues
            let a2 = aStep.load(fromByteOffset: 32, as: SIMD4<Float>.self)
            acc2 += SIMD8(lowHalf: a2, highHalf: a2) * bValues
            let a3 = aStep.load(fromByteOffset: 48, as: SIMD4<Float>.self)
            acc3 += SIMD8(lowHalf: a3, highHalf: a3) * bValues
            let a4 = aStep.load(fromByteOffset: 64, as: SIMD4<Float>.self)
            acc4 += SIMD8(lowHalf: a4, highHalf: a4) * bValues
            let a5 = aStep.load(fromByteOffset: 80, as: SIMD4<Float>.self)
            acc5 += SIMD8(lowHalf: a5, highHalf: a5) * bValues
            aStep += aStepBytes
            bStep += bStepBytes
        }
        if validColumns == columns {
            let alphaVector = SIMD8<Float>(repeating: alpha)
            let betaVector = SIMD8<Float>(repeating: beta)
            @inline(__always) func update(_ acc: SIMD8<Float>, row: Int) {
                let target = UnsafeMutableRawPointer(c + row * ldc)
                var value = alphaVector * acc
                if beta != 0 { value += betaVector * target.loadUnaligned(as: SIMD8<Float>.self) }
                target.storeBytes(of: value, as: SIMD8<Float>.self)
            }
            update(acc0, row: 0)
            if validRows > 1 { update(acc1, row: 1) }
            if validRows > 2 { update(acc2, row: 2) }
            if validRows > 3 { update(acc3, row: 3) }
            if validRows > 4 { update(acc4, row: 4) }
            if validRows > 5 { update(acc5, row: 5) }
        } else {
            let tile = (acc0, acc1, acc2, acc3, acc4, acc5)
            withUnsafeBytes(of: tile) { raw in
                let values = raw.assumingMemoryBound(to: Float.self)
                for row in 0..<validRows {
                    let target = c + row * ldc
                    for column in 0..<validColumns {
                        let product = alpha * values[row * columns + column]
                        target[column] = beta == 0 ? product : product + beta * target[column]
                    }
                }
            }
        }
    }
}
