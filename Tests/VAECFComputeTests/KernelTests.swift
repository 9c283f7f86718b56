import Foundation
import Testing
import VAECFCompute
import VAECFCore

@Suite("SIMD kernels")
struct KernelTests {
    @Test("vector exp matches Foundation's exp within 3e-7 relative over the float range, 0 below, inf above")
    func exponential() {
        var worst: Double = 0
        var x: Float = -87
        while x < 88.5 {
            let lanes = VectorMath.Vector((0..<16).map { x + Float($0) * 0.0137 })
            let result = VectorMath.exp(lanes)
            for lane in 0..<16 {
                let exact = Foundation.exp(Double(lanes[lane]))
                worst = max(worst, abs(Double(result[lane]) - exact) / exact)
            }
            x += 0.173
        }
        #expect(worst < 3e-7, "worst relative error \(worst)")
        #expect(VectorMath.exp(Float(-100)) == 0)
        #expect(VectorMath.exp(Float(0)) == 1)
        #expect(VectorMath.exp(Float(100)) == .infinity)
    }

    @Test("tanh and relu with their derivatives")
    func activations() {
        let values: [Float] = (0..<37).map { Float($0 - 18) * 0.37 } + [0, 1e-6, -1e-6, 30, -30]
        var output = values
        output.withUnsafeMutableBufferPointer { Activation.tanh.apply($0.baseAddress!, count: $0.count) }
        for (value, result) in zip(values, output) {
            #expect(
                abs(Double(result) - Foundation.tanh(Double(value))) <= 2e-7 + 2e-7
                    * abs(Foundation.tanh(Double(value))))
        }
        var gradient = [Float](repeating: 2, count: values.count)
        output.withUnsafeBufferPointer { y in
            gradient.withUnsafeMutableBufferPointer {
                Activation.tanh.backward(output: y.baseAddress!, gradient: $0.baseAddress!, count: values.count)
            }
        }
        for (result, derivative) in zip(output, gradient) {
            #expect(abs(derivative - 2 * (1 - result * result)) < 1e-6)
        }
        var relu = values
        relu.withUnsafeMutableBufferPointer { Activation.relu.apply($0.baseAddress!, count: $0.count) }
        #expect(relu == values.map { max($0, 0) })
    }

    @Test("softmax pieces: maximum, sum of exponentials, bias with maximum, exponentiation and scaling in place")
    func softmax() {
        var random = RandomSource(seed: 4)
        let values: [Float] = (0..<101).map { _ in Float(random.nextGaussian() * 5) }
        values.withUnsafeBufferPointer { x in
            let maximum = VectorMath.maximum(x.baseAddress!, count: x.count)
            #expect(maximum == values.max())
            let sum = VectorMath.sumOfExponentials(x.baseAddress!, count: x.count, shift: maximum)
            let exact = values.reduce(0.0) { $0 + Foundation.exp(Double($1 - maximum)) }
            #expect(abs(sum - exact) < 1e-5 * exact)
            var scaled = [Float](repeating: 0, count: x.count)
            let bias = [Float](repeating: 0.25, count: x.count)
            let inPlaceSum = scaled.withUnsafeMutableBufferPointer { buffer -> Double in
                buffer.baseAddress!.update(from: x.baseAddress!, count: x.count)
                let shifted = VectorMath.addBiasReturningMaximum(bias, to: buffer.baseAddress!, count: x.count)
                #expect(shifted == maximum + 0.25)
                let total = VectorMath.exponentiateInPlace(buffer.baseAddress!, count: x.count, shift: shifted)
                VectorMath.scaleInPlace(buffer.baseAddress!, count: x.count, by: 3)
                return total
            }
            #expect(abs(inPlaceSum - exact) < 1e-5 * exact)
            for (value, result) in zip(values, scaled) {
                #expect(abs(Double(result) - 3 * Foundation.exp(Double(value - maximum))) < 1e-6)
            }
        }
    }

    @Test("Adam kernel: TF1 form, chunking does not change the result")
    func adam() {
        let count = 1000
        var random = RandomSource(seed: 2)
        let gradients: [Float] = (0..<count).map { _ in Float(random.nextGaussian()) }
        func run(threads: Int) -> ([Float], [Float], [Float]) {
            var parameters = [Float](repeating: 0.5, count: count)
            var first = [Float](repeating: 0.1, count: count)
            var second = [Float](repeating: 0.2, count: count)
            AdamKernel.update(
                parameters: &parameters, gradients: gradients, firstMoments: &first, secondMoments: &second,
                count: count, learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, step: 3,
                executor: ParallelExecutor(threadCount: threads))
            return (parameters, first, second)
        }
        let (parameters, first, second) = run(threads: 1)
        for index in [0, 17, 999] {
            let g = Double(gradients[index])
            let m = 0.9 * 0.1 + 0.1 * g
            let v = 0.999 * 0.2 + 0.001 * g * g
            let step = 0.01 * (1 - pow(0.999, 3)).squareRoot() / (1 - pow(0.9, 3)) * m / (v.squareRoot() + 1e-8)
            #expect(abs(Double(first[index]) - m) < 1e-6)
            #expect(abs(Double(second[index]) - v) < 1e-6)
            #expect(abs(Double(parameters[index]) - (0.5 - step)) < 1e-6)
        }
        let other = run(threads: 3)
        #expect(other.0 == parameters && other.1 == first && other.2 == second)
    }

    @Test(
        "Adam kernel with a bfloat16 copy: the same update, the copy the rounded new values",
        .enabled(if: BFloat16Products.isSupported, "this CPU has no AVX512-BF16: the bfloat16 copy is not written"))
    func adamWritesBFloat16Copy() {
        // Past one unit (8192) and a chunk per worker, with a tail that is not a multiple of 16.
        let count = 3 * AdamKernel.unit + (1 << 16) + 21
        var random = RandomSource(seed: 3)
        let gradients: [Float] = (0..<count).map { _ in Float(random.nextGaussian()) }
        let start: [Float] = (0..<count).map { _ in Float(random.nextGaussian()) }
        func run(copy: UnsafeMutablePointer<UInt16>?) -> [Float] {
            var parameters = start
            var first = [Float](repeating: 0.1, count: count)
            var second = [Float](repeating: 0.2, count: count)
            AdamKernel.update(
                parameters: &parameters, gradients: gradients, firstMoments: &first, secondMoments: &second,
                count: count, learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, step: 5,
                gradientScale: 0.5, bfloat16Copy: copy, executor: ParallelExecutor(threadCount: 2))
            return parameters
        }
        var copy = [UInt16](repeating: 0, count: count)
        let withCopy = copy.withUnsafeMutableBufferPointer { run(copy: $0.baseAddress!) }
        #expect(withCopy == run(copy: nil))
        let mismatched = (0..<count).filter {
            BFloat16Products.widened(copy[$0]) != BFloat16Products.rounded(withCopy[$0])
        }
        #expect(mismatched.isEmpty, "copy differs at \(mismatched.prefix(3))")
    }

    @Test("Adam kernel with the L2 penalty: 2 lam p added to the unscaled gradient, sum p^2 returned, any thread count")
    func adamWithPenalty() {
        let count = 2 * AdamKernel.unit + 1000 + 7
        // Penalized ranges that start and end inside units and inside groups of 16.
        let ranges = [5..<9000, 9001..<9002, 12_000..<(2 * AdamKernel.unit + 503)]
        var random = RandomSource(seed: 4)
        let gradients: [Float] = (0..<count).map { _ in Float(random.nextGaussian()) }
        let start: [Float] = (0..<count).map { _ in Float(random.nextGaussian()) }
        let (lam, scale): (Double, Float) = (0.05, 1024)
        var partials = [Float](repeating: .nan, count: AdamKernel.unitCount(count))
        func run(threads: Int) -> (parameters: [Float], first: [Float], norm: Double, standalone: Double) {
            var parameters = start
            var first = [Float](repeating: 0.1, count: count)
            var second = [Float](repeating: 0.2, count: count)
            return partials.withUnsafeMutableBufferPointer { partials in
                let penalty = L2Penalty(lam: lam, ranges: ranges, normPartials: partials.baseAddress!)
                let executor = ParallelExecutor(threadCount: threads)
                let standalone = AdamKernel.squaredNorm(of: start, count: count, penalty: penalty, executor: executor)
                let norm = AdamKernel.update(
                    parameters: &parameters, gradients: gradients, firstMoments: &first, secondMoments: &second,
                    count: count, learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, step: 2,
                    gradientScale: 1 / scale, penalty: penalty, executor: executor)
                return (parameters, first, norm, standalone)
            }
        }
        let result = run(threads: 1)
        var expectedNorm = 0.0
        for index in 0..<count {
            let penalized = ranges.contains { $0.contains(index) }
            if penalized { expectedNorm += Double(start[index]) * Double(start[index]) }
            let g = Double(gradients[index]) / Double(scale) + (penalized ? 2 * lam * Double(start[index]) : 0)
            #expect(abs(Double(result.first[index]) - (0.9 * 0.1 + 0.1 * g)) < 1e-6, "m at \(index)")
        }
        #expect(abs(result.norm - expectedNorm) < 1e-5 * expectedNorm)
        #expect(result.standalone.bitPattern == result.norm.bitPattern)
        let threaded = run(threads: 3)
        #expect(threaded.parameters == result.parameters && threaded.norm.bitPattern == result.norm.bitPattern)
    }

    @Test("sparse products skip dropped entries: a zero value never reads its weight row or gradient")
    func sparseProductsSkipDroppedEntries() {
        let matrix = CSRMatrix(columnCount: 3, rows: [[0, 2], [1, 2]])
        let width = 20
        // Item 2's weight row is NaN, and so is row 1's gradient: reading either would spread NaN.
        var weights = [Float](repeating: 0.5, count: 3 * width)
        for column in 0..<width { weights[2 * width + column] = .nan }
        let values: [Float] = [2, 0, 0, 0]
        var output = [Float](repeating: .nan, count: 2 * width)
        var gradient = [Float](repeating: 0, count: 3 * width)
        var upstream = [Float](repeating: 1, count: 2 * width)
        for column in 0..<width { upstream[width + column] = .nan }
        matrix.rowOffsets.withUnsafeBufferPointer { offsets in
            matrix.columnIndices.withUnsafeBufferPointer { indices in
                SparseProducts.multiply(
                    rowOffsets: offsets.baseAddress!, columnIndices: indices.baseAddress!, rows: 0..<2,
                    values: values, weights: weights, width: width, output: &output,
                    executor: ParallelExecutor(threadCount: 2))
                SparseProducts.accumulateTransposeProduct(
                    rowOffsets: offsets.baseAddress!, columnIndices: indices.baseAddress!, rows: 0..<2,
                    values: values, gradient: upstream, width: width, weightGradient: &gradient,
                    executor: ParallelExecutor(threadCount: 2))
            }
        }
        #expect(output == Array(repeating: 1, count: width) + Array(repeating: 0, count: width))
        #expect(gradient == Array(repeating: 2, count: width) + Array(repeating: 0, count: 2 * width))
    }

    @Test("sparse products against dense loops")
    func sparseProducts() {
        let matrix = CSRMatrix(columnCount: 9, rows: [[0, 3, 8], [], [1, 2, 3, 4], [8]])
        let width = 37
        var random = RandomSource(seed: 6)
        let weights: [Float] = (0..<(9 * width)).map { _ in Float(random.nextGaussian()) }
        let values: [Float] = (0..<matrix.nonZeroCount).map { Float($0) * 0.5 + 1 }
        var output = [Float](repeating: .nan, count: 4 * width)
        matrix.rowOffsets.withUnsafeBufferPointer { offsets in
            matrix.columnIndices.withUnsafeBufferPointer { indices in
                SparseProducts.multiply(
                    rowOffsets: offsets.baseAddress!, columnIndices: indices.baseAddress!, rows: 0..<4,
                    values: values, weights: weights, width: width, output: &output,
                    executor: ParallelExecutor(threadCount: 2))
            }
        }
        for row in 0..<4 {
            for column in 0..<width {
                var expected: Float = 0
                for entry in matrix.rowOffsets[row]..<matrix.rowOffsets[row + 1] {
                    expected += values[entry] * weights[Int(matrix.columnIndices[entry]) * width + column]
                }
                #expect(abs(output[row * width + column] - expected) < 1e-5)
            }
        }
        var gradient = [Float](repeating: 1, count: 9 * width)
        matrix.rowOffsets.withUnsafeBufferPointer { offsets in
            matrix.columnIndices.withUnsafeBufferPointer { indices in
                SparseProducts.accumulateTransposeProduct(
                    rowOffsets: offsets.baseAddress!, columnIndices: indices.baseAddress!, rows: 0..<4,
                    values: values, gradient: output, width: width, weightGradient: &gradient,
                    executor: ParallelExecutor(threadCount: 2))
            }
        }
        for item in 0..<9 {
            for column in 0..<width {
                var expected: Float = 1
                for row in 0..<4 {
                    for entry in matrix.rowOffsets[row]..<matrix.rowOffsets[row + 1]
                    where matrix.columnIndices[entry] == item {
                        expected += values[entry] * output[row * width + column]
                    }
                }
                #expect(abs(gradient[item * width + column] - expected) < 1e-4)
            }
        }
    }
}
