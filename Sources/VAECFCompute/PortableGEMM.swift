import VAECFCore

/// The portable row-major SGEMM: cache blocking with packed panels (`GEMMPacking`), a `[6, 8]` SIMD register
/// tile (`GEMMMicroKernel`), and a fixed split of `C` among threads.
///
/// Reproducibility: every element of `C` is reduced over `k` in the same order (depth blocks in order, each
/// accumulated sequentially, block sizes depending only on `k`), whatever the thread count or partition. The
/// result is therefore bitwise identical across runs, and across thread counts.
enum PortableGEMM {
    /// Depth of a block (`KC`): an A panel step and a B micro-panel stay in L1 while a tile is computed.
    static let depthBlock = 256
    /// Rows of `op(A)` packed at a time (`MC`, a multiple of the tile rows); the packed block lives in L2.
    static let rowBlock = 120
    /// Columns of `op(B)` packed at a time (`NC`, a multiple of the tile columns).
    static let columnBlock = 2048
    /// Below this many multiply-adds a product runs on the calling thread only.
    static let defaultParallelThreshold = 1 << 21

    /// `C = alpha * op(A) * op(B) + beta * C`, row-major, with up to `threadCount` threads.
    /// Preconditions (checked by `GEMM.multiply`): `m, n, k > 0`, strides valid, `C` disjoint from `A` and `B`.
    /// Products of fewer than `parallelThreshold` multiply-adds run on the calling thread (tests lower it).
    static func multiply(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, threadCount: Int,
        parallelThreshold: Int = defaultParallelThreshold
    ) {
        let matrixA = GEMMPacking.MatrixA(a, leadingDimension: lda, transposed: transposeA)
        let matrixB = GEMMPacking.MatrixB(b, leadingDimension: ldb, transposed: transposeB)
        let output = UncheckedSendable(c)
        forEachBlock(
            m: m, n: n, k: k, tileRows: GEMMMicroKernel.rows, tileColumns: GEMMMicroKernel.columns,
            threadCount: threadCount, parallelThreshold: parallelThreshold
        ) { rows, columns in
            multiplyBlock(
                rows: rows, columns: columns, k: k, alpha: alpha, a: matrixA, b: matrixB, beta: beta,
                c: output.value, ldc: ldc)
        }
    }

    /// Splits `C [m, n]` between up to `threadCount` workers and calls `body(rows, columns)` once per block, in
    /// parallel: the larger side is cut in whole tiles (`tileRows` or `tileColumns`), so each worker packs only
    /// its share of that side's operand and all of the other (smaller) one. Products of fewer than
    /// `parallelThreshold` multiply-adds run as one block on the calling thread.
    static func forEachBlock(
        m: Int, n: Int, k: Int, tileRows: Int, tileColumns: Int, threadCount: Int, parallelThreshold: Int,
        _ body: (Range<Int>, Range<Int>) -> Void
    ) {
        let splitRows = m >= n
        let unit = splitRows ? tileRows : tileColumns
        let extent = splitRows ? m : n
        let units = (extent + unit - 1) / unit
        let workers = m * n * k < parallelThreshold ? 1 : max(1, min(threadCount, units))
        ParallelExecutor(threadCount: workers).forEachChunk(count: units) { _, range in
            let start = range.lowerBound * unit
            let end = min(range.upperBound * unit, extent)
            body(splitRows ? start..<end : 0..<m, splitRows ? 0..<n : start..<end)
        }
    }

    /// `C[rows, columns] = alpha * op(A)[rows, :] * op(B)[:, columns] + beta * C[rows, columns]` on the calling
    /// thread, with its own packing buffers.
    static func multiplyBlock(
        rows: Range<Int>, columns: Range<Int>, k: Int,
        alpha: Float, a: GEMMPacking.MatrixA, b: GEMMPacking.MatrixB,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        // Equal depth blocks of at most `depthBlock`: the split depends on k only.
        let depthBlocks = (k + depthBlock - 1) / depthBlock
        let depthBase = k / depthBlocks
        let depthExtra = k % depthBlocks
        let maximumDepth = depthBase + (depthExtra > 0 ? 1 : 0)
        let blockRows = min(rowBlock, rows.count)
        let blockColumns = min(columnBlock, columns.count)
        let alignment = 64
        let packedA = UnsafeMutableRawPointer.allocate(
            byteCount: GEMMPacking.packedABytes(rowCount: blockRows, depth: maximumDepth), alignment: alignment)
        let packedB = UnsafeMutableRawPointer.allocate(
            byteCount: GEMMPacking.packedBBytes(columnCount: blockColumns, depth: maximumDepth), alignment: alignment)
        defer {
            packedA.deallocate()
            packedB.deallocate()
        }
        for columnStart in stride(from: columns.lowerBound, to: columns.upperBound, by: columnBlock) {
            let columnCount = min(columnBlock, columns.upperBound - columnStart)
            var depthStart = 0
            for depthIndex in 0..<depthBlocks {
                let depth = depthBase + (depthIndex < depthExtra ? 1 : 0)
                GEMMPacking.packB(
                    b, columnStart: columnStart, columnCount: columnCount, depthStart: depthStart, depth: depth,
                    into: packedB)
                // The first depth block applies beta; later ones accumulate.
                let blockBeta: Float = depthIndex == 0 ? beta : 1
                for rowStart in stride(from: rows.lowerBound, to: rows.upperBound, by: rowBlock) {
                    let rowCount = min(rowBlock, rows.upperBound - rowStart)
                    GEMMPacking.packA(
                        a, rowStart: rowStart, rowCount: rowCount, depthStart: depthStart, depth: depth,
                        into: packedA)
                    multiplyPackedBlock(
                        rowCount: rowCount, columnCount: columnCount, depth: depth,
                        packedA: packedA, packedB: packedB, alpha: alpha, beta: blockBeta,
                        c: c + rowStart * ldc + columnStart, ldc: ldc)
                }
                depthStart += depth
            }
        }
    }

    /// Runs the micro-kernel over every tile of a packed `[rowCount, depth] x [depth, columnCount]` block;
    /// B micro-panels outside (kept in L1), A micro-panels inside (streamed from L2).
    @inline(__always)
    static func multiplyPackedBlock(
        rowCount: Int, columnCount: Int, depth: Int,
        packedA: UnsafeMutableRawPointer, packedB: UnsafeMutableRawPointer,
        alpha: Float, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let tileRows = GEMMMicroKernel.rows
        let tileColumns = GEMMMicroKernel.columns
        let aPanelBytes = depth * GEMMMicroKernel.aStepBytes
        let bPanelBytes = depth * GEMMMicroKernel.bStepBytes
        var bPanel = UnsafeRawPointer(packedB)
        for panelColumn in stride(from: 0, to: columnCount, by: tileColumns) {
            let validColumns = min(tileColumns, columnCount - panelColumn)
            var aPanel = UnsafeRawPointer(packedA)
            for panelRow in stride(from: 0, to: rowCount, by: tileRows) {
                GEMMMicroKernel.multiplyTile(
                    depth: depth, a: aPanel, b: bPanel, alpha: alpha, beta: beta,
                    c: c + panelRow * ldc + panelColumn, ldc: ldc,
                    validRows: min(tileRows, rowCount - panelRow), validColumns: validColumns)
                aPanel += aPanelBytes
            }
            bPanel += bPanelBytes
        }
    }

    /// `C = beta * C` for an `[m, n]` block (the `k == 0` or `alpha == 0` case); `beta == 0` writes zeros.
    static func scale(m: Int, n: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard beta != 1 else { return }
        for row in 0..<m {
            let target = c + row * ldc
            if beta == 0 {
                target.update(repeating: 0, count: n)
            } else {
                for column in 0..<n { target[column] *= beta }
            }
        }
    }
}
