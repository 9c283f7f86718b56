import VAECFCore
import VAECFNativeKernels

/// `output[m, columns] = input[m, depth] * W + bias` for a few input rows (`m <= rowLimit`), reading a
/// row-major float32 `W [depth, columns]` in place, once per call: the shape of scoring a small coalesced
/// batch of users against the output layer, where a GEMM would first pack all of `W` (48 MB for 600 x 20108),
/// which costs about as much as the products.
///
/// Work: blocks of ``blockColumns`` columns, split between the executor's workers in fixed contiguous ranges;
/// each column tile is read for all rows, four rows per pass, in chunks of rows of `W` that stay in the cache
/// for the passes. Every output value is a float sum from zero over the depth in order, the bias added last,
/// so row `i`'s values depend neither on `m`, nor on the other rows, nor on the thread count.
///
/// Kernels (``Kernel``): on x86-64, C kernels with fused multiply-adds (`vaecf_float_multiply_rows`, AVX2 and
/// FMA, and `vaecf_float_multiply_rows_avx512`, AVX-512F: the same values, twice the width); elsewhere a
/// portable SIMD kernel with separate multiplies and adds, which differs from them in the last bits.
public struct SmallBatchProduct: Sendable {
    /// An implementation of the product.
    public enum Kernel: String, Sendable, CaseIterable {
        /// Swift SIMD, any CPU.
        case portable
        /// C, AVX2 and FMA: 16-column tiles.
        case avx2
        /// C, AVX-512F: 64-column tiles; the values of `.avx2`.
        case avx512

        /// Whether this CPU runs it.
        public var isAvailable: Bool {
            switch self {
            case .portable: true
            case .avx2: HalfPrecisionMatrix.acceleratedKernelsAvailable
            case .avx512: HalfPrecisionMatrix.acceleratedKernelsAvailable && vaecf_avx512_kernels_available() != 0
            }
        }

        /// The fastest kernel this CPU runs.
        public static let fastest: Kernel = [Kernel.avx512, .avx2].first { $0.isAvailable } ?? .portable
    }

    /// Columns of the blocks that the workers share out (a multiple of every kernel's tile).
    public static let blockColumns = 64
    /// Columns of the portable kernel's tile.
    static let tileColumns = 16
    /// Input rows per pass over a tile.
    static let groupRows = 4
    /// Blocks per worker at least (smaller calls run on one worker).
    static let minimumBlocksPerWorker = 4

    /// The kernel in use.
    public let kernel: Kernel

    /// - Parameter kernel: the kernel to use; an unavailable one falls back to the portable kernel.
    public init(kernel: Kernel = .fastest) {
        self.kernel = kernel.isAvailable ? kernel : .portable
    }

    /// Rows up to which this product is used instead of a GEMM (with its packing of `W`) on the output layer's
    /// shape (600 x 20108). Measured on a 2-core AVX-512 machine (whole recommendation calls, p50): at 16 rows
    /// 7.4 ms against the GEMM's 11.0 ms; at 32 rows (AVX-512) 4.9 against 5.5 ms on a quiet machine but slower
    /// than the GEMM in served load under CPU contention, so the limit stays at 16 for every kernel.
    public var rowLimit: Int { 16 }

    /// `output[m, columns] = input[m, depth] * weight + bias`.
    ///
    /// - Parameters:
    ///   - weight: `W [depth, columns]`, row stride `ldw >= columns`; read only.
    ///   - input: `[m, depth]`, row stride `lda >= depth`.
    ///   - bias: `[columns]`, or `nil` for none.
    ///   - output: `[m, columns]`, row stride `ldc >= columns`; must not overlap the other buffers.
    ///   - executor: its workers take fixed contiguous ranges of tiles.
    public func multiply(
        weight: UnsafePointer<Float>, depth: Int, columns: Int, ldw: Int, input: UnsafePointer<Float>, m: Int,
        lda: Int, bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, ldc: Int,
        executor: ParallelExecutor
    ) {
        precondition(
            depth >= 1 && columns >= 0 && ldw >= columns && m >= 0 && lda >= depth && ldc >= columns,
            "invalid product shape: depth \(depth), columns \(columns), ldw \(ldw), m \(m), lda \(lda), ldc \(ldc)")
        guard m > 0, columns > 0 else { return }
        let blockCount = (columns + Self.blockColumns - 1) / Self.blockColumns
        let kernel = self.kernel
        executor.forEachChunk(count: blockCount, minimumChunk: Self.minimumBlocksPerWorker) { _, blocks in
            let first = blocks.lowerBound * Self.blockColumns
            let end = min(columns, blocks.upperBound * Self.blockColumns)
            switch kernel {
            case .avx512:
                vaecf_float_multiply_rows_avx512(weight, depth, ldw, first, end, input, lda, m, bias, output, ldc)
                return
            case .avx2:
                vaecf_float_multiply_rows(weight, depth, ldw, first, end, input, lda, m, bias, output, ldc)
                return
            case .portable:
                break
            }
            for tile in (first / Self.tileColumns)..<((end + Self.tileColumns - 1) / Self.tileColumns) {
                var group = 0
                while group < m {
                    let count = min(Self.groupRows, m - group)
                    PortableSmallBatchKernel.tile(
                        tile, weight: weight, depth: depth, columns: columns, ldw: ldw, input: input + group * lda,
                        lda: lda, rows: count, bias: bias, output: output + group * ldc, ldc: ldc)
                    group += count
                }
            }
        }
    }
}
