import VAECFCore
import VAECFNativeKernels

/// `output[m, columns] = input[m, depth] * W + bias` for tens of input rows at most (`m <= rowLimit`), on a
/// copy of a float32 `W [depth, columns]` packed once, at construction, into column tiles: the shape of scoring
/// a coalesced batch of users against the output layer, where a GEMM would first pack all of `W` (48 MB for
/// 600 x 20108) on every call, which costs about as much as the products.
///
/// Layout: tile `t` holds columns `32 t ..< 32 t + 32` as a contiguous, 64-byte aligned `[depth, 32]` block,
/// zero past `columns` (`vaecf_packed_multiply_rows`); the copy takes `depth x columns` floats more memory.
/// Work: the tiles are split between the executor's workers in fixed contiguous ranges; each tile streams from
/// memory once per call and from the cache for the later passes (8 rows per pass with AVX-512, 4 with AVX2).
/// Every output value is a float sum from zero over the depth in order, the bias added last, so row `i`'s values
/// depend neither on `m`, nor on the other rows, nor on the thread count.
///
/// Kernels (``Kernel``): on x86-64, C kernels with fused multiply-adds (AVX2 + FMA, and AVX-512F: the same
/// values); elsewhere a portable SIMD kernel with separate multiplies and adds, which differs in the last bits.
package final class SmallBatchProduct: @unchecked Sendable {
    // @unchecked: the packed copy is written once, in `init`, and only read afterwards.

    /// An implementation of the product.
    package enum Kernel: String, Sendable, CaseIterable {
        /// Swift SIMD, any CPU.
        case portable
        /// C, AVX2 and FMA.
        case avx2
        /// C, AVX-512F: the values of `.avx2`.
        case avx512

        /// Whether this CPU runs it.
        package var isAvailable: Bool {
            switch self {
            case .portable: true
            case .avx2: NativeKernelSupport.avx2
            case .avx512: NativeKernelSupport.avx512
            }
        }

        /// The fastest kernel this CPU runs.
        package static let fastest: Kernel = [Kernel.avx512, .avx2].first { $0.isAvailable } ?? .portable
    }

    /// Columns of a tile.
    package static let tileColumns = Int(VAECF_PACKED_TILE)
    /// Tiles per worker at least (smaller calls run on one worker).
    static let minimumTilesPerWorker = 8

    /// The kernel in use.
    package let kernel: Kernel
    /// Rows of `W`.
    package let depth: Int
    /// Columns of `W`.
    package let columns: Int
    /// Number of column tiles.
    package let tileCount: Int
    /// The packed copy, `[tileCount, depth, tileColumns]`.
    let packed: UnsafeMutableRawPointer

    /// Packs `weight` (`[depth, columns]`, row stride `ldw >= columns`; read once, here) with the executor's
    /// workers. An unavailable `kernel` falls back to the portable kernel.
    package init(
        weight: UnsafePointer<Float>, depth: Int, columns: Int, ldw: Int, kernel: Kernel = .fastest,
        executor: ParallelExecutor = ParallelExecutor(threadCount: 1)
    ) {
        precondition(
            depth >= 1 && columns >= 1 && ldw >= columns, "invalid weight shape: \(depth) x \(columns), ldw \(ldw)")
        self.kernel = kernel.isAvailable ? kernel : .portable
        self.depth = depth
        self.columns = columns
        let tileColumns = Self.tileColumns
        tileCount = (columns + tileColumns - 1) / tileColumns
        let floats = tileCount * depth * tileColumns
        packed = .allocate(byteCount: floats * MemoryLayout<Float>.stride, alignment: 64)
        let tiles = UncheckedSendable(packed.bindMemory(to: Float.self, capacity: floats))
        executor.forEachChunk(count: tileCount, minimumChunk: Self.minimumTilesPerWorker) { _, range in
            for tile in range {
                let first = tile * tileColumns
                let width = min(tileColumns, columns - first)
                var target = tiles.value + tile * depth * tileColumns
                for row in 0..<depth {
                    target.update(from: weight + row * ldw + first, count: width)
                    (target + width).update(repeating: 0, count: tileColumns - width)
                    target += tileColumns
                }
            }
        }
    }

    deinit { packed.deallocate() }

    /// Rows up to which this product is used instead of a GEMM on the output layer. Measured on a 2-core AVX-512
    /// machine for 600 x 20108 (whole recommendation calls, p50): 64 rows 7.6 ms against 8.9 ms for 65 rows on the
    /// GEMM, 32 rows 3.9-4.4 against 5.5-5.8 ms. The portable kernel (no fused multiply-add, 8-float vectors)
    /// keeps a lower limit, not measured against a GEMM on such a CPU.
    package var rowLimit: Int { kernel == .portable ? 8 : 64 }

    /// `output[m, columns] = input[m, depth] * W + bias`.
    ///
    /// - Parameters:
    ///   - input: `[m, depth]`, row stride `lda >= depth`.
    ///   - bias: `[columns]`, or `nil` for none.
    ///   - output: `[m, columns]`, row stride `ldc >= columns`; must not overlap the other buffers.
    ///   - executor: its workers take fixed contiguous ranges of tiles.
    package func multiply(
        input: UnsafePointer<Float>, m: Int, lda: Int, bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
        ldc: Int, executor: ParallelExecutor
    ) {
        precondition(m >= 0 && lda >= depth && ldc >= columns, "invalid product shape: m \(m), lda \(lda), ldc \(ldc)")
        guard m > 0 else { return }
        let tiles = UnsafePointer(packed.assumingMemoryBound(to: Float.self))
        let (kernel, depth, columns) = (self.kernel, self.depth, self.columns)
        executor.forEachChunk(count: tileCount, minimumChunk: Self.minimumTilesPerWorker) { _, range in
            switch kernel {
            case .avx512:
                vaecf_packed_multiply_rows_avx512(
                    tiles, depth, columns, range.lowerBound, range.upperBound, input, lda, m, bias, output, ldc)
            case .avx2:
                vaecf_packed_multiply_rows(
                    tiles, depth, columns, range.lowerBound, range.upperBound, input, lda, m, bias, output, ldc)
            case .portable:
                PortableSmallBatchKernel.multiply(
                    tiles: tiles, depth: depth, columns: columns, range: range, input: input, lda: lda, m: m,
                    bias: bias, output: output, ldc: ldc)
            }
        }
    }
}
