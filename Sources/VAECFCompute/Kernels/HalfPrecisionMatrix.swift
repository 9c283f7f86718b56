import VAECFCore
import VAECFNativeKernels

/// A row-major float matrix `[rows, columns]` stored in half precision (IEEE binary16), packed for products
/// with float32 accumulation: `C[m, columns] = A[m, rows] * W`.
///
/// Layout: column tiles of ``tileColumns`` columns; tile `t` holds, for each row `r`, the 32 halves
/// `W[r, 32t ..< 32t + 32]` (64 bytes, one cache line), so a tile streams from memory sequentially. The last
/// tile is padded with zeros.
///
/// Quantization rounds to the nearest half; magnitudes below the smallest normal half (`2^-14`, about
/// `6.1e-5`) become zero and those above 65504 are clamped. Flushing the subnormals costs at most `6.1e-5`
/// per weight and keeps every decoded value a normal float (no slow denormal arithmetic).
///
/// Kernels: on x86-64 CPUs with AVX2, FMA and F16C, C kernels (`VAECFNativeKernels`) convert with `vcvtph2ps`
/// and accumulate with fused multiply-adds. Elsewhere a portable SIMD kernel decodes without conversion
/// instructions: a half's bits `h` at the top of a 32-bit lane, shifted right arithmetically by 3 and masked
/// with `0x8FFF_E000`, are the float `h * 2^-112` (the factor is folded into the other operand). The two give
/// results that differ in the last bits (fused versus separate multiply and add).
package final class HalfPrecisionMatrix: @unchecked Sendable {
    // @unchecked: the storage is written only in `init`.

    /// Columns per tile: 32 halves, one 64-byte cache line per row.
    package static let tileColumns = 32
    /// Columns decoded at a time for the GEMM path (few GEMM calls, each packing the input once).
    static let blockColumns = 1024
    /// Portable kernel: decoded values are the true values times `2^-112`; products are formed with
    /// `x * 2^56` and rescaled by `2^56`, which keeps every product of a normal weight and a reasonable
    /// activation a normal float.
    static let inputScale: Float = 0x1p56
    static let outputScale: Float = 0x1p56
    static let decodeScale: Float = 0x1p112

    /// Whether this CPU runs the AVX2 / FMA / F16C kernels.
    package static let acceleratedKernelsAvailable = NativeKernelSupport.avx2

    /// Rows of the matrix (the depth of the product).
    package let rows: Int
    /// Columns of the matrix (the width of the output).
    package let columns: Int
    /// Number of column tiles.
    package let tileCount: Int
    /// The kernels of products: `.avx512` or `.avx2` (decoding then uses the AVX2 / F16C kernel), or
    /// `.portable`.
    package let kernel: SmallBatchProduct.Kernel
    /// Whether products and decoding use the C kernels.
    package var usesAcceleratedKernels: Bool { kernel != .portable }
    let storage: UnsafeMutablePointer<UInt16>

    /// Quantizes `weights [rows, columns]` (row stride `ld >= columns`).
    /// - Parameters:
    ///   - accelerated: use the AVX2 / FMA / F16C kernels (ignored where they are not available).
    ///   - wide: use the AVX-512 product kernel where available (the same values as the AVX2 one).
    package init(
        _ weights: UnsafePointer<Float>, rows: Int, columns: Int, ld: Int,
        accelerated: Bool = HalfPrecisionMatrix.acceleratedKernelsAvailable, wide: Bool = true
    ) {
        precondition(rows >= 1 && columns >= 1 && ld >= columns, "invalid matrix shape \(rows) x \(columns), ld \(ld)")
        self.rows = rows
        self.columns = columns
        tileCount = (columns + Self.tileColumns - 1) / Self.tileColumns
        kernel =
            !(accelerated && NativeKernelSupport.avx2)
            ? .portable
            : wide && NativeKernelSupport.avx512 ? .avx512 : .avx2
        let count = tileCount * rows * Self.tileColumns
        let raw = UnsafeMutableRawPointer.allocate(byteCount: count * 2, alignment: 64)
        storage = raw.bindMemory(to: UInt16.self, capacity: count)
        storage.initialize(repeating: 0, count: count)
        for tile in 0..<tileCount {
            let first = tile * Self.tileColumns
            let width = min(Self.tileColumns, columns - first)
            for row in 0..<rows {
                let source = weights + row * ld + first
                let destination = storage + (tile * rows + row) * Self.tileColumns
                for column in 0..<width { destination[column] = Self.quantize(source[column]) }
            }
        }
    }

    deinit { storage.deallocate() }

    /// Bytes of half-precision storage (padding included).
    package var byteCount: Int { tileCount * rows * Self.tileColumns * 2 }

    /// The bits of the half nearest to `value`, subnormals flushed to zero, clamped to +-65504.
    static func quantize(_ value: Float) -> UInt16 {
        let largest = Float(Float16.greatestFiniteMagnitude)
        let clamped = value.isNaN ? 0 : min(max(value, -largest), largest)
        let half = Float16(clamped)
        return abs(half) < Float16.leastNormalMagnitude ? 0 : half.bitPattern
    }

    /// The stored (quantized) value of `W[row, column]`.
    package func value(row: Int, column: Int) -> Float {
        precondition(row >= 0 && row < rows && column >= 0 && column < columns, "index out of range")
        let tile = column / Self.tileColumns
        return Float(Float16(bitPattern: storage[(tile * rows + row) * Self.tileColumns + column % Self.tileColumns]))
    }

    /// Eight halves to eight floats scaled by `2^-112` (the portable kernel; see the type's description).
    @inline(__always)
    static func decode(_ halves: SIMD8<UInt16>) -> SIMD8<Float> {
        let wide = SIMD8<Int32>(truncatingIfNeeded: SIMD8<UInt32>(truncatingIfNeeded: halves) &<< 16)
        let bits = (wide &>> 3) & SIMD8<Int32>(repeating: Int32(bitPattern: 0x8FFF_E000))
        return unsafeBitCast(bits, to: SIMD8<Float>.self)
    }

    /// ``decode(columns:width:into:ld:)`` with the tiles split between the executor's workers.
    package func decode(
        columns first: Int, width: Int, into output: UnsafeMutablePointer<Float>, ld: Int, executor: ParallelExecutor
    ) {
        let tiles = (width + Self.tileColumns - 1) / Self.tileColumns
        let destination = UncheckedSendable(output)
        executor.forEachChunk(count: tiles, minimumChunk: 4) { _, chunk in
            let start = chunk.lowerBound * Self.tileColumns
            let end = min(width, chunk.upperBound * Self.tileColumns)
            decode(columns: first + start, width: end - start, into: destination.value + start, ld: ld)
        }
    }

    /// Writes `W[0 ..< rows, first ..< first + width]` as floats into `output` (row stride `ld >= width`).
    /// `first` must be a multiple of ``tileColumns``.
    package func decode(columns first: Int, width: Int, into output: UnsafeMutablePointer<Float>, ld: Int) {
        precondition(first % Self.tileColumns == 0 && width >= 0 && first + width <= columns && ld >= width)
        if usesAcceleratedKernels {
            vaecf_half_decode(storage, rows, columns, first, width, output, ld)
            return
        }
        let scale = SIMD8<Float>(repeating: Self.decodeScale)
        var tileStart = 0
        while tileStart < width {
            let tile = (first + tileStart) / Self.tileColumns
            let tileWidth = min(Self.tileColumns, width - tileStart)
            let source = UnsafeRawPointer(storage + tile * rows * Self.tileColumns)
            for row in 0..<rows {
                let line = source + row * Self.tileColumns * 2
                let target = output + row * ld + tileStart
                if tileWidth == Self.tileColumns {
                    for part in 0..<4 {
                        let values = Self.decode(line.load(fromByteOffset: part * 16, as: SIMD8<UInt16>.self)) * scale
                        UnsafeMutableRawPointer(target + part * 8).storeBytes(of: values, as: SIMD8<Float>.self)
                    }
                } else {
                    let halves = line.assumingMemoryBound(to: UInt16.self)
                    for column in 0..<tileWidth { target[column] = Float(Float16(bitPattern: halves[column])) }
                }
            }
            tileStart += Self.tileColumns
        }
    }
}
