import VAECFCore
import VAECFNativeKernels

/// Row-major products with bfloat16 inputs and float32 accumulation: `C = alpha * op(A) * op(B) + beta * C`
/// with `A` and `B` given in float, rounded to bfloat16 (ties to even) while they are packed, multiplied by
/// `vdpbf16ps` (AVX512-BF16) into float accumulators, and `C` kept in float.
///
/// Reproducibility: an element's value depends only on the inputs and `k` (pairs of `k` in order, depth blocks
/// in order), never on how `C` is split between threads: the same bits for any thread count.
package enum BFloat16Products {
    /// Whether this CPU runs the kernels (AVX-512F, BW, VL and AVX512-BF16).
    package static let isSupported = vaecf_bf16_kernels_available() != 0

    /// Rows and columns of the kernel's register tile: the units in which `C` is split between threads
    /// (`PortableGEMM.forEachBlock`).
    static let tileRows = 12
    static let tileColumns = 32

    /// `B` of a product: floats, rounded to bfloat16 as they are packed, or bfloat16 bits (`UInt16` values with
    /// the float layout, e.g. the copy that the Adam pass writes): the same bits from either, the bits with half
    /// the bytes read and nothing to round.
    enum Operand {
        case floats(UnsafePointer<Float>)
        case bits(UnsafePointer<UInt16>)
    }

    /// Same contract as `PortableGEMM.multiply` (sizes positive, strides checked by `GEMM.multiply`).
    static func multiply(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int, b: Operand, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, threadCount: Int,
        parallelThreshold: Int = PortableGEMM.defaultParallelThreshold
    ) {
        precondition(isSupported, "bfloat16 products need AVX512-BF16")
        let operands = UncheckedSendable((a, b, c))
        let (transposeA, transposeB): (Int32, Int32) = (transposeA ? 1 : 0, transposeB ? 1 : 0)
        PortableGEMM.forEachBlock(
            m: m, n: n, k: k, tileRows: tileRows, tileColumns: tileColumns, threadCount: threadCount,
            parallelThreshold: parallelThreshold
        ) { rows, columns in
            let (a, b, c) = operands.value
            let (first, last) = (rows.lowerBound, rows.upperBound)
            switch b {
            case .floats(let b):
                vaecf_bf16_gemm_block(
                    transposeA, transposeB, first, last, columns.lowerBound, columns.upperBound, k, alpha, a, lda, b,
                    ldb, beta, c, ldc, nil)
            case .bits(let b):
                vaecf_bf16_gemm_block_bf16_b(
                    transposeA, transposeB, first, last, columns.lowerBound, columns.upperBound, k, alpha, a, lda, b,
                    ldb, beta, c, ldc, nil)
            }
        }
    }

    /// `output[i]` = the bits of the bfloat16 nearest to `values[i]` (ties to even), for `i < count`.
    package static func round(_ values: UnsafePointer<Float>, count: Int, into output: UnsafeMutablePointer<UInt16>) {
        precondition(isSupported, "bfloat16 rounding kernels need AVX512-BF16")
        vaecf_bf16_from_floats(values, count, output)
    }

    /// The float value of the bfloat16 bits `bits` (exact).
    package static func widened(_ bits: UInt16) -> Float { vaecf_float_from_bf16(bits) }

    /// The bfloat16 nearest to `value` (ties to even), widened back to float: what the kernels multiply.
    package static func rounded(_ value: Float) -> Float { vaecf_float_from_bf16(vaecf_bf16_from_float(value)) }
}
