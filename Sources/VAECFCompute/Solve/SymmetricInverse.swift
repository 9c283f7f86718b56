import Foundation
import VAECFCore

/// The inverse of a symmetric positive definite float32 matrix, in place: through the loaded library's LAPACK
/// (`spotrf` + `spotri`) when it has one, else a portable blocked Cholesky factorization `A = L L^T` (panels
/// with SIMD dot products, trailing updates through ``GEMM``), `Y = L^-1` by forward substitution over column
/// blocks in parallel, and `A^-1 = Y^T Y` through ``GEMM``.
package enum SymmetricInverse {
    /// Which implementation inverted the matrix.
    package enum Method: String, Sendable {
        case lapack, portable
    }

    /// Columns per block of the portable factorization.
    static let blockSize = 128

    /// Replaces `matrix` (`[n, n]`, row-major, symmetric positive definite) by its inverse.
    ///
    /// - Parameters:
    ///   - scratch: `[n, n]` floats for the portable path (unused by LAPACK; may be nil when `allowLAPACK` and the
    ///     library has LAPACK, see ``usesLAPACK(gemm:)``).
    ///   - allowLAPACK: false forces the portable path.
    /// - Throws: ``SymmetricInverseError/notPositiveDefinite(order:)`` when a pivot is not positive.
    package static func invert(
        _ matrix: UnsafeMutablePointer<Float>, count n: Int, scratch: UnsafeMutablePointer<Float>?, gemm: GEMM,
        executor: ParallelExecutor, allowLAPACK: Bool = true
    ) throws(SymmetricInverseError) -> Method {
        guard n > 0 else { return .portable }
        if allowLAPACK, case .cblas(let library) = gemm.backend, let lapack = library.lapack,
            library.accepts(largest: n)
        {
            library.setThreadCount(gemm.threadCount)
            let info = lapack.invertSymmetric(matrix, count: n)
            guard info == 0 else { throw .notPositiveDefinite(order: info) }
            mirrorUpperToLower(matrix, count: n, executor: executor)
            return .lapack
        }
        guard let scratch else { preconditionFailure("the portable inverse needs an [n, n] scratch buffer") }
        try factor(matrix, count: n, gemm: gemm, executor: executor)
        invertLower(matrix, count: n, into: scratch, executor: executor)
        gemm.multiply(
            transposeA: true, transposeB: false, m: n, n: n, k: n, alpha: 1, a: scratch, lda: n, b: scratch, ldb: n,
            beta: 0, c: matrix, ldc: n)
        return .portable
    }

    /// Whether ``invert(_:count:scratch:gemm:executor:allowLAPACK:)`` runs in LAPACK for `gemm`'s library.
    package static func usesLAPACK(gemm: GEMM) -> Bool {
        if case .cblas(let library) = gemm.backend { return library.lapack != nil }
        return false
    }

    /// Cholesky factor `L` in the lower triangle (diagonal included) of row-major `a`; the upper triangle is
    /// left with intermediate values.
    static func factor(
        _ a: UnsafeMutablePointer<Float>, count n: Int, gemm: GEMM, executor: ParallelExecutor
    ) throws(SymmetricInverseError) {
        var blockStart = 0
        while blockStart < n {
            let width = min(blockSize, n - blockStart)
            let blockEnd = blockStart + width
            // The diagonal block, column by column.
            for column in blockStart..<blockEnd {
                let rowOfColumn = a + column * n
                let pivot =
                    rowOfColumn[column] - dot(rowOfColumn + blockStart, rowOfColumn + blockStart, column - blockStart)
                guard pivot > 0 && pivot.isFinite else { throw .notPositiveDefinite(order: column + 1) }
                rowOfColumn[column] = pivot.squareRoot()
                for row in (column + 1)..<blockEnd {
                    eliminate(a, row: row, column: column, blockStart: blockStart, count: n)
                }
            }
            guard blockEnd < n else { break }
            // The panel below it, row by row in parallel.
            executor.forEachChunk(count: n - blockEnd, minimumChunk: 16) { _, rows in
                for row in rows {
                    for column in blockStart..<blockEnd {
                        eliminate(a, row: blockEnd + row, column: column, blockStart: blockStart, count: n)
                    }
                }
            }
            // The trailing matrix: A22 -= L21 L21^T.
            let panel = a + blockEnd * n + blockStart
            gemm.multiply(
                transposeA: false, transposeB: true, m: n - blockEnd, n: n - blockEnd, k: width, alpha: -1,
                a: panel, lda: n, b: panel, ldb: n, beta: 1, c: a + blockEnd * n + blockEnd, ldc: n)
            blockStart = blockEnd
        }
    }

    /// `L[row, column] = (A[row, column] - L[row, blockStart..<column] . L[column, blockStart..<column]) / L[column, column]`.
    @inline(__always)
    static func eliminate(_ a: UnsafeMutablePointer<Float>, row: Int, column: Int, blockStart: Int, count n: Int) {
        let rowPointer = a + row * n
        let columnRow = a + column * n
        let sum = dot(rowPointer + blockStart, columnRow + blockStart, column - blockStart)
        rowPointer[column] = (rowPointer[column] - sum) / columnRow[column]
    }

    /// `Y = L^-1` (lower triangular) from the lower triangle of `l`, into `y` (`[n, n]`, upper triangle zero).
    /// Columns of `Y` are independent: each worker solves `L y = e_j` for a block of columns, row by row.
    static func invertLower(
        _ l: UnsafePointer<Float>, count n: Int, into y: UnsafeMutablePointer<Float>, executor: ParallelExecutor
    ) {
        y.update(repeating: 0, count: n * n)
        executor.forEachChunk(count: n, minimumChunk: 64) { _, columns in
            for row in columns.lowerBound..<n {
                let target = y + row * n
                let first = columns.lowerBound
                let last = min(columns.upperBound, row + 1)
                if row < columns.upperBound { target[row] = 1 }
                for k in first..<row {
                    let factor = -l[row * n + k]
                    let width = min(last, k + 1) - first
                    if width > 0 { SparseProducts.axpy(factor, y + k * n + first, target + first, width) }
                }
                let inverse = 1 / l[row * n + row]
                for column in first..<last { target[column] *= inverse }
            }
        }
    }

    /// Copies the upper triangle of row-major `a` onto its lower triangle.
    static func mirrorUpperToLower(_ a: UnsafeMutablePointer<Float>, count n: Int, executor: ParallelExecutor) {
        executor.forEachChunk(count: n, minimumChunk: 64) { _, rows in
            for row in rows {
                for column in 0..<row { a[row * n + column] = a[column * n + row] }
            }
        }
    }

    /// `x . y` over `count` floats, SIMD.
    @inline(__always)
    static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ count: Int) -> Float {
        var sums = VectorMath.Vector()
        var index = 0
        while index + VectorMath.Vector.scalarCount <= count {
            sums +=
                UnsafeRawPointer(x + index).loadUnaligned(as: VectorMath.Vector.self)
                * UnsafeRawPointer(y + index).loadUnaligned(as: VectorMath.Vector.self)
            index += VectorMath.Vector.scalarCount
        }
        var total = sums.sum()
        while index < count {
            total += x[index] * y[index]
            index += 1
        }
        return total
    }
}

/// A matrix that ``SymmetricInverse`` cannot invert.
package enum SymmetricInverseError: Error, Equatable, LocalizedError, CustomStringConvertible {
    /// The leading minor of this order is not positive definite.
    case notPositiveDefinite(order: Int)

    package var description: String {
        switch self {
        case .notPositiveDefinite(let order):
            return "the matrix is not positive definite (leading minor of order \(order)); increase the regularization"
        }
    }

    /// The same text as `description`.
    package var errorDescription: String? { description }
}
