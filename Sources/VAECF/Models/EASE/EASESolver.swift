import Foundation
import VAECFCompute
import VAECFCore

/// Fits EASE in closed form: `P = (X^T X + lambda I)^-1`, `B = I - P diagMat(1 / diag(P))`, i.e.
/// `B[i, j] = -P[i, j] / P[j, j]` off the diagonal and 0 on it. Float32 throughout: the Gram matrix from dense
/// blocks of users through ``GEMM`` (exact: integer counts below 2^24), the inverse through
/// ``SymmetricInverse`` (LAPACK when the loaded library has it, else the portable blocked Cholesky).
package struct EASESolver: Sendable {
    /// The L2 weight on `B` (the paper's lambda; 500 by default, tune it on the validation users).
    package var lambda: Double
    /// The dense product backend (also where LAPACK comes from).
    package var gemm: GEMM
    /// Workers of the loops outside BLAS.
    package var executor: ParallelExecutor
    /// False forces the portable inverse even when the library has LAPACK.
    package var allowLAPACK = true
    /// Users densified per Gram product.
    package var userBlock = 1024

    package init(lambda: Double = 500, gemm: GEMM, executor: ParallelExecutor) {
        self.lambda = lambda
        self.gemm = gemm
        self.executor = executor
    }

    /// Whether the inverse runs in the library's LAPACK (in place) rather than the portable path.
    package var usesLAPACK: Bool { allowLAPACK && SymmetricInverse.usesLAPACK(gemm: gemm) }

    /// Bytes the fit needs for `itemCount` items: the `[items, items]` float matrix (the Gram matrix, turned
    /// into `P` and then `B` in place), a second one for the portable inverse's scratch, and one block of
    /// dense user rows.
    package func requiredBytes(itemCount: Int) -> Int {
        ((usesLAPACK ? 1 : 2) * itemCount * itemCount + userBlock * itemCount) * MemoryLayout<Float>.size
    }

    /// The model of the users of `train` (`[users, items]`, binary).
    /// - Parameter availableBytes: memory the fit may use; by default what the system reports available.
    /// - Throws: ``EASEError`` when the matrices do not fit or the regularized Gram matrix cannot be inverted.
    package func fit(
        train: CSRMatrix, availableBytes: Int? = SystemMemory.availableBytes()
    ) throws(EASEError) -> (model: EASEModel, method: SymmetricInverse.Method) {
        guard lambda > 0, lambda.isFinite else { throw .invalidLambda(lambda) }
        let items = train.columnCount
        let needed = requiredBytes(itemCount: items)
        if let availableBytes, needed > availableBytes {
            throw .insufficientMemory(itemCount: items, neededBytes: needed, availableBytes: availableBytes)
        }
        let matrix = FloatBuffer(count: items * items)
        gram(of: train, into: matrix.pointer)
        for item in 0..<items { matrix.pointer[item * items + item] += Float(lambda) }
        let scratch = usesLAPACK ? nil : FloatBuffer(count: items * items)
        let method: SymmetricInverse.Method
        do {
            method = try SymmetricInverse.invert(
                matrix.pointer, count: items, scratch: scratch?.pointer, gemm: gemm, executor: executor,
                allowLAPACK: allowLAPACK)
        } catch {
            throw .notInvertible(error)
        }
        toWeights(matrix.pointer, count: items)
        return (EASEModel(itemCount: items, lambda: lambda, weights: matrix), method)
    }

    /// `G = X^T X` into `output` (`[items, items]`): users densified `userBlock` at a time, one GEMM per block.
    func gram(of train: CSRMatrix, into output: UnsafeMutablePointer<Float>) {
        let items = train.columnCount
        let blockRows = max(1, min(userBlock, train.rowCount))
        let dense = FloatBuffer(count: blockRows * items)
        output.update(repeating: 0, count: items * items)
        var start = 0
        while start < train.rowCount {
            let count = min(blockRows, train.rowCount - start)
            dense.zero()
            for local in 0..<count {
                for item in train.row(start + local) { dense.pointer[local * items + Int(item)] = 1 }
            }
            gemm.multiply(
                transposeA: true, transposeB: false, m: items, n: items, k: count, alpha: 1, a: dense.pointer,
                lda: items, b: dense.pointer, ldb: items, beta: 1, c: output, ldc: items)
            start += count
        }
    }

    /// `P` to `B` in place: `B[i, j] = -P[i, j] / P[j, j]`, `B[j, j] = 0`.
    func toWeights(_ matrix: UnsafeMutablePointer<Float>, count items: Int) {
        let inverseDiagonal = (0..<items).map { -1 / matrix[$0 * items + $0] }
        inverseDiagonal.withUnsafeBufferPointer { scale in
            executor.forEachChunk(count: items, minimumChunk: 16) { _, rows in
                for row in rows {
                    let values = matrix + row * items
                    for column in 0..<items { values[column] *= scale[column] }
                    values[row] = 0
                }
            }
        }
    }
}

/// An EASE fit that cannot be done.
package enum EASEError: Error, LocalizedError, CustomStringConvertible {
    case invalidLambda(Double)
    case insufficientMemory(itemCount: Int, neededBytes: Int, availableBytes: Int)
    case notInvertible(SymmetricInverseError)

    package var description: String {
        switch self {
        case .invalidLambda(let lambda):
            return "EASE's lambda must be a positive number, got \(lambda)"
        case .insufficientMemory(let items, let needed, let available):
            return
                "EASE with \(items) items needs \(Self.gigabytes(needed)) (\(items) x \(items) float matrices) but only \(Self.gigabytes(available)) of memory is available; use fewer items (raise the item filters of `vaecf prepare`) or a larger machine"
        case .notInvertible(let error):
            return "EASE cannot invert X^T X + lambda I: \(error)"
        }
    }

    package var errorDescription: String? { description }

    static func gigabytes(_ bytes: Int) -> String { String(format: "%.2f GB", Double(bytes) / 1e9) }
}
