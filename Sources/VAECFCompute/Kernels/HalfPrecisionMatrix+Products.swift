import VAECFCore
import VAECFNativeKernels

extension HalfPrecisionMatrix {
    /// Input rows up to which ``multiply(input:m:lda:bias:output:ldc:gemm:executor:scratch:)`` streams the
    /// tiles through the SIMD kernels (all rows per tile, so the weights are read once): 64 with AVX-512 (8 rows
    /// per pass), 16 with AVX2 (4 rows per pass); above it, blocks of columns are decoded to floats for the GEMM.
    package var streamingRowLimit: Int {
        switch kernel {
        case .avx512: 64
        case .avx2: 16
        case .portable: 2
        }
    }

    /// Floats of scratch that ``multiply(input:m:lda:bias:output:ldc:gemm:executor:scratch:)`` needs:
    /// one decoded block `[rows, 1024]`.
    package var scratchCount: Int { rows * Self.blockColumns }

    /// `output[m, columns] = input[m, rows] * W + bias`, accumulated in float32.
    ///
    /// - Parameters:
    ///   - input: `[m, rows]`, row stride `lda >= rows`.
    ///   - bias: `[columns]`, or `nil` for none.
    ///   - output: `[m, columns]`, row stride `ldc >= columns`; must not overlap the other buffers.
    ///   - gemm: runs the product for more than ``streamingRowLimit`` rows, on decoded blocks.
    ///   - executor: the workers of the streaming kernel and of the decoding (column tiles split between them:
    ///     every output value is computed by one worker in a fixed order, so results do not depend on it).
    ///   - scratch: at least ``scratchCount`` floats, used when `m > streamingRowLimit`.
    /// Row `i`'s values do not depend on `m` while `m <= streamingRowLimit`.
    package func multiply(
        input: UnsafePointer<Float>, m: Int, lda: Int, bias: UnsafePointer<Float>?,
        output: UnsafeMutablePointer<Float>, ldc: Int, gemm: GEMM, executor: ParallelExecutor,
        scratch: UnsafeMutablePointer<Float>
    ) {
        precondition(m >= 0 && lda >= rows && ldc >= columns, "invalid product shape: m \(m), lda \(lda), ldc \(ldc)")
        guard m > 0 else { return }
        if m <= streamingRowLimit {
            executor.forEachChunk(count: tileCount, minimumChunk: 16) { _, tiles in
                switch kernel {
                case .avx512:
                    vaecf_half_multiply_rows_avx512(
                        storage, rows, columns, tiles.lowerBound, tiles.upperBound, input, lda, m, bias, output, ldc)
                case .avx2:
                    vaecf_half_multiply_rows(
                        storage, rows, columns, tiles.lowerBound, tiles.upperBound, input, lda, m, bias, output, ldc)
                case .portable:
                    // Tile by tile, so the rows after the first read the tile from the cache.
                    for tile in tiles {
                        for row in 0..<m {
                            multiplyTile(tile, x: input + row * lda, bias: bias, output: output + row * ldc)
                        }
                    }
                }
            }
            return
        }
        var first = 0
        while first < columns {
            let width = min(Self.blockColumns, columns - first)
            decode(columns: first, width: width, into: scratch, ld: Self.blockColumns, executor: executor)
            gemm.multiply(
                transposeA: false, transposeB: false, m: m, n: width, k: rows, alpha: 1, a: input, lda: lda,
                b: scratch, ldb: Self.blockColumns, beta: 0, c: output + first, ldc: ldc)
            first += width
        }
        if let bias {
            executor.forEachChunk(count: m, minimumChunk: 16) { _, chunk in
                for row in chunk { VectorMath.add(bias, to: output + row * ldc, count: columns) }
            }
        }
    }

    /// One tile of one output row with the portable kernel: `output[32t ..< 32t + 32] = x[rows] * W[:, tile] + bias`.
    @inline(__always)
    func multiplyTile(
        _ tile: Int, x: UnsafePointer<Float>, bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>
    ) {
        var sum0 = SIMD8<Float>(), sum1 = SIMD8<Float>(), sum2 = SIMD8<Float>(), sum3 = SIMD8<Float>()
        var line = UnsafeRawPointer(storage + tile * rows * Self.tileColumns)
        for row in 0..<rows {
            let scaled = SIMD8<Float>(repeating: x[row] * Self.inputScale)
            sum0 += scaled * Self.decode(line.load(fromByteOffset: 0, as: SIMD8<UInt16>.self))
            sum1 += scaled * Self.decode(line.load(fromByteOffset: 16, as: SIMD8<UInt16>.self))
            sum2 += scaled * Self.decode(line.load(fromByteOffset: 32, as: SIMD8<UInt16>.self))
            sum3 += scaled * Self.decode(line.load(fromByteOffset: 48, as: SIMD8<UInt16>.self))
            line += 2 * Self.tileColumns
        }
        let first = tile * Self.tileColumns
        let width = min(Self.tileColumns, columns - first)
        let scale = SIMD8<Float>(repeating: Self.outputScale)
        let target = output + first
        @inline(__always) func store(_ sum: SIMD8<Float>, part: Int) {
            let start = part * 8
            guard start < width else { return }
            var value = sum * scale
            if width - start >= 8 {
                if let bias { value += UnsafeRawPointer(bias + first + start).loadUnaligned(as: SIMD8<Float>.self) }
                UnsafeMutableRawPointer(target + start).storeBytes(of: value, as: SIMD8<Float>.self)
            } else {
                for lane in 0..<(width - start) {
                    target[start + lane] = value[lane] + (bias?[first + start + lane] ?? 0)
                }
            }
        }
        store(sum0, part: 0)
        store(sum1, part: 1)
        store(sum2, part: 2)
        store(sum3, part: 3)
    }
}
