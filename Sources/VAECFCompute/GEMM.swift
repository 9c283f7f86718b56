import VAECFCore

/// Row-major single-precision matrix products, `C = alpha * op(A) * op(B) + beta * C`, through a CBLAS
/// loaded at run time or a portable Swift implementation.
///
/// Shapes: `op(A)` is `[m, k]`, `op(B)` is `[k, n]`, `C` is `[m, n]`; `lda`, `ldb`, `ldc` are the row strides
/// of the stored (untransposed) matrices.
public struct GEMM: Sendable {
    /// Which implementation runs the products, e.g. `openblas (libopenblas.so.0)` or `portable`.
    public let backendName: String
    /// Threads the products use.
    public let threadCount: Int

    /// The portable Swift implementation with `threadCount` threads.
    public static func portable(threadCount: Int) -> GEMM {
        GEMM(backendName: "portable", threadCount: threadCount)
    }

    /// `C = alpha * op(A) * op(B) + beta * C` (row-major).
    public func multiply(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        // Reference loop; replaced by the dlopen'ed CBLAS and the blocked SIMD fallback.
        for i in 0..<m {
            for j in 0..<n {
                var sum: Float = 0
                for p in 0..<k {
                    let aValue = transposeA ? a[p * lda + i] : a[i * lda + p]
                    let bValue = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += aValue * bValue
                }
                c[i * ldc + j] = alpha * sum + (beta == 0 ? 0 : beta * c[i * ldc + j])
            }
        }
    }
}
