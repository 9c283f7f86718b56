import Foundation
import Testing
@testable import VAECF
import VAECFCompute
import VAECFCore

@Suite("Half-precision output weights")
struct HalfPrecisionTests {
    /// `[rows, columns]` random weights with a few special values.
    static func weights(rows: Int, columns: Int, seed: UInt64 = 9) -> [Float] {
        var random = RandomSource(seed: seed)
        var values = (0..<(rows * columns)).map { _ in (random.nextFloat() - 0.5) * 0.4 }
        values[0] = 1e-6  // a half subnormal: flushed to zero
        values[1] = -7e5  // beyond the half range: clamped
        values[2] = -0.0
        return values
    }

    @Test(
        "quantization rounds to the nearest half, flushes subnormals and clamps; decode reads it back",
        arguments: [false, true])
    func quantization(accelerated: Bool) {
        let rows = 3, columns = 45
        let values = Self.weights(rows: rows, columns: columns)
        let matrix = values.withUnsafeBufferPointer {
            HalfPrecisionMatrix($0.baseAddress!, rows: rows, columns: columns, ld: columns, accelerated: accelerated)
        }
        #expect(matrix.tileCount == 2)
        #expect(matrix.value(row: 0, column: 0) == 0)
        #expect(matrix.value(row: 0, column: 1) == -65504)
        for row in 0..<rows {
            for column in 3..<columns {
                #expect(matrix.value(row: row, column: column) == Float(Float16(values[row * columns + column])))
            }
        }
        var decoded = [Float](repeating: .nan, count: rows * 50)
        matrix.decode(columns: 0, width: columns, into: &decoded, ld: 50)
        for row in 0..<rows {
            for column in 0..<columns {
                #expect(decoded[row * 50 + column] == matrix.value(row: row, column: column))
            }
        }
        var tail = [Float](repeating: .nan, count: rows * 13)
        matrix.decode(columns: 32, width: 13, into: &tail, ld: 13)
        #expect(tail[13 + 4] == matrix.value(row: 1, column: 36))
    }

    @Test(
        "products match a double-precision product of the quantized weights, both kernels, every row count",
        arguments: [1, 2, 3, 9, 20, 63, 70], [false, true])
    func products(rowCount: Int, accelerated: Bool) {
        let depth = 37, columns = 75
        let values = Self.weights(rows: depth, columns: columns, seed: 4)
        let matrix = values.withUnsafeBufferPointer {
            HalfPrecisionMatrix($0.baseAddress!, rows: depth, columns: columns, ld: columns, accelerated: accelerated)
        }
        #expect(matrix.usesAcceleratedKernels == (accelerated && HalfPrecisionMatrix.acceleratedKernelsAvailable))
        var random = RandomSource(seed: UInt64(rowCount))
        let input = (0..<(rowCount * depth)).map { _ in random.nextFloat() * 2 - 1 }
        let bias = (0..<columns).map { Float($0) * 0.01 }
        var output = [Float](repeating: .nan, count: rowCount * 80)
        var scratch = [Float](repeating: 0, count: matrix.scratchCount)
        matrix.multiply(
            input: input, m: rowCount, lda: depth, bias: bias, output: &output, ldc: 80,
            gemm: .portable(threadCount: 2), executor: ParallelExecutor(threadCount: 2), scratch: &scratch)
        for row in 0..<rowCount {
            for column in 0..<columns {
                var expected = Double(bias[column])
                for inner in 0..<depth {
                    expected += Double(input[row * depth + inner]) * Double(matrix.value(row: inner, column: column))
                }
                let actual = Double(output[row * 80 + column])
                #expect(abs(actual - expected) <= 1e-5 * (1 + abs(expected)), "row \(row) column \(column)")
            }
        }
    }

    @Test("float16 recommendations agree with float32: the same top items, close scores")
    func agreesWithFloat32() {
        let (half, queries, approximate, overlap, worst) = RecommendFixture.againstFloat32(.float16)
        #expect(worst <= 2e-3, "largest relative score difference \(worst)")
        #expect(overlap >= 290, "top-10 overlap \(overlap) of 300")
        // Batch and single queries agree in float16 too: the same items; with the native kernels, up to the
        // streaming limit (16 with AVX2, 64 with AVX-512) queries per call give the values of single queries exactly.
        #expect(half.recommend([queries[4]])[0].items.map(\.id) == approximate[4].items.map(\.id))
        if HalfPrecisionMatrix.acceleratedKernelsAvailable {
            let few = Array(queries.prefix(12))
            #expect(half.recommend(few) == few.map { half.recommend([$0])[0] })
        }
    }

    @Test(
        "the AVX-512 and AVX2 half-precision kernels give the same values, bit for bit (up to the AVX2 streaming limit)",
        arguments: [1, 2, 3, 4, 9, 15, 16])
    func wideKernelEqualsAVX2(rowCount: Int) {
        guard NativeKernelSupport.avx512 else { return }
        let depth = 45, columns = 83
        let values = Self.weights(rows: depth, columns: columns, seed: 9)
        let wide = values.withUnsafeBufferPointer {
            HalfPrecisionMatrix($0.baseAddress!, rows: depth, columns: columns, ld: columns, wide: true)
        }
        let narrow = values.withUnsafeBufferPointer {
            HalfPrecisionMatrix($0.baseAddress!, rows: depth, columns: columns, ld: columns, wide: false)
        }
        #expect(wide.kernel == .avx512 && narrow.kernel == .avx2 && rowCount <= narrow.streamingRowLimit)
        var random = RandomSource(seed: UInt64(rowCount))
        let input = (0..<(rowCount * depth)).map { _ in random.nextFloat() * 2 - 1 }
        let bias = (0..<columns).map { Float($0) * 0.01 }
        func run(_ matrix: HalfPrecisionMatrix) -> [Float] {
            var output = [Float](repeating: -7, count: rowCount * 90)
            var scratch = [Float](repeating: 0, count: matrix.scratchCount)
            matrix.multiply(
                input: input, m: rowCount, lda: depth, bias: bias, output: &output, ldc: 90,
                gemm: .portable(threadCount: 2), executor: ParallelExecutor(threadCount: 2), scratch: &scratch)
            return output
        }
        #expect(run(wide) == run(narrow))
    }
}
