extension BFloat16Products {
    /// The portable reference of the bfloat16 products, on any CPU: `C = alpha * op(A) * op(B) + beta * C`
    /// (row-major, the conventions of ``GEMM``) with every element of `A` and `B` rounded to bfloat16 (ties to
    /// even) and each element of `C` accumulated in float over the pairs of `k` in order, the odd step of a pair
    /// before the even one, as `vdpbf16ps` and the AMX tile products define it (the products of two bfloat16
    /// values are exact in float). One thread, no blocking: the tests hold the native kernels to it.
    ///
    /// Against the exact product of the unrounded inputs, an element is off by at most
    /// `(2^-7 + 2^-16) * sum |a b|` from rounding the inputs (each is within `2^-8` of its value) plus
    /// `(k + 2) * 2^-23 * sum |round(a) round(b)|` from the float accumulation.
    package static func referenceMultiply(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        func elementA(_ row: Int, _ step: Int) -> Float {
            rounded(transposeA ? a[step * lda + row] : a[row * lda + step])
        }
        func elementB(_ step: Int, _ column: Int) -> Float {
            rounded(transposeB ? b[column * ldb + step] : b[step * ldb + column])
        }
        for row in 0..<m {
            for column in 0..<n {
                var sum: Float = 0
                for even in stride(from: 0, to: k, by: 2) {
                    if even + 1 < k { sum += elementA(row, even + 1) * elementB(even + 1, column) }
                    sum += elementA(row, even) * elementB(even, column)
                }
                let target = c + row * ldc + column
                target.pointee = beta == 0 ? alpha * sum : (alpha * sum).addingProduct(beta, target.pointee)
            }
        }
    }
}
