import Testing
import VAECFCompute
import VAECFCore

/// A product `output[m, columns] = input[m, depth] * W + bias` with NaN in every stride padding (it must never
/// be read) and a sentinel in the output's padding (it must never be written).
private struct SmallBatchProblem {
    static let sentinel: Float = -7777
    let m: Int
    let depth: Int
    let columns: Int
    let ldw: Int
    let lda: Int
    let ldc: Int
    var weight: [Float]
    var input: [Float]
    var bias: [Float]

    init(m: Int, depth: Int, columns: Int, padding: Int = 5, seed: UInt64 = 11) {
        self.m = m
        self.depth = depth
        self.columns = columns
        ldw = columns + padding
        lda = depth + padding
        ldc = columns + padding
        var random = RandomSource(seed: seed)
        weight = [Float](repeating: .nan, count: depth * ldw)
        for r in 0..<depth { for c in 0..<columns { weight[r * ldw + c] = random.nextFloat() * 2 - 1 } }
        input = [Float](repeating: .nan, count: m * lda)
        for j in 0..<m { for r in 0..<depth { input[j * lda + r] = random.nextFloat() * 2 - 1 } }
        bias = (0..<columns).map { _ in random.nextFloat() - 0.5 }
    }

    /// The product of this problem's weight with `kernel` (packed with `threads` workers).
    func product(_ kernel: SmallBatchProduct.Kernel, threads: Int = 2) -> SmallBatchProduct {
        weight.withUnsafeBufferPointer { w in
            SmallBatchProduct(
                weight: w.baseAddress!, depth: depth, columns: columns, ldw: ldw, kernel: kernel,
                executor: ParallelExecutor(threadCount: threads))
        }
    }

    /// Runs `product` on the first `rows` rows (all by default) with `threads` workers.
    func run(_ product: SmallBatchProduct, rows: Int? = nil, threads: Int = 2, withBias: Bool = true) -> [Float] {
        let count = rows ?? m
        var output = [Float](repeating: Self.sentinel, count: max(1, count * ldc))
        input.withUnsafeBufferPointer { x in
            bias.withUnsafeBufferPointer { b in
                output.withUnsafeMutableBufferPointer { o in
                    product.multiply(
                        input: x.baseAddress!, m: count, lda: lda, bias: withBias ? b.baseAddress! : nil,
                        output: o.baseAddress!, ldc: ldc, executor: ParallelExecutor(threadCount: threads))
                }
            }
        }
        return output
    }

    /// A bound on the relative error of a float sum of `depth + 1` terms (a wrong value is off by about 1).
    var tolerance: Double { Double(depth + 1) * 1.2e-7 }

    /// The largest error of `output` against a double-precision reference, relative to
    /// `sum |x_r * w_rc| + |bias_c|` per value; infinity when the padding was written.
    func worstError(_ output: [Float], withBias: Bool = true) -> Double {
        var worst = 0.0
        for j in 0..<m {
            for c in 0..<ldc {
                let value = output[j * ldc + c]
                guard c < columns else {
                    if value != Self.sentinel { return .infinity }
                    continue
                }
                var exact = withBias ? Double(bias[c]) : 0
                var scale = withBias ? abs(Double(bias[c])) : 0
                for r in 0..<depth {
                    let product = Double(input[j * lda + r]) * Double(weight[r * ldw + c])
                    exact += product
                    scale += abs(product)
                }
                worst = max(worst, abs(Double(value) - exact) / max(scale, 1e-30))
            }
        }
        return worst
    }
}

@Suite("Small-batch float32 product")
struct SmallBatchProductTests {
    static let kernels = SmallBatchProduct.Kernel.allCases.filter(\.isAvailable)

    @Test("matches a double-precision reference for ragged shapes, 1 ... limit rows", arguments: kernels)
    func reference(kernel: SmallBatchProduct.Kernel) {
        // (depth, columns): ragged tiles and halves of tiles, one and several tiles.
        let shapes = [(1, 1), (3, 15), (7, 16), (33, 17), (64, 63), (20, 64), (9, 65), (40, 130), (17, 257), (130, 33)]
        for m in [1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 23, 64] {
            for (depth, columns) in shapes where m * depth * columns <= 80_000 || m <= 4 {
                let problem = SmallBatchProblem(m: m, depth: depth, columns: columns, seed: UInt64(m * 1000 + columns))
                let product = problem.product(kernel)
                #expect(product.kernel == kernel)
                #expect(m <= product.rowLimit || kernel == .portable)
                let worst = problem.worstError(problem.run(product))
                #expect(
                    worst < problem.tolerance,
                    "\(kernel) m \(m) depth \(depth) columns \(columns): relative error \(worst)")
            }
        }
        let unbiased = SmallBatchProblem(m: 6, depth: 30, columns: 100)
        #expect(
            unbiased.worstError(unbiased.run(unbiased.product(kernel), withBias: false), withBias: false)
                < unbiased.tolerance)
    }

    @Test("row i's values do not depend on the batch size or the thread count", arguments: kernels)
    func batchIndependence(kernel: SmallBatchProduct.Kernel) {
        let problem = SmallBatchProblem(m: 19, depth: 45, columns: 593)
        let product = problem.product(kernel)
        let full = problem.run(product)
        for rows in 1...problem.m {
            let part = problem.run(product, rows: rows, threads: rows % 2 + 1)
            #expect(Array(part[0..<(rows * problem.ldc)]) == Array(full[0..<(rows * problem.ldc)]), "\(rows) rows")
        }
        // Row i alone (as the first row of a one-row call) gives its batch values.
        for row in [1, problem.m / 2, problem.m - 1] {
            var alone = problem
            alone.input = Array(problem.input[(row * problem.lda)..<((row + 1) * problem.lda)])
            let single = alone.run(product, rows: 1)
            #expect(
                Array(single[0..<problem.columns])
                    == Array(full[(row * problem.ldc)..<(row * problem.ldc + problem.columns)]))
        }
    }

    @Test("the C kernels agree: AVX-512 gives AVX2's bits; the portable kernel is within rounding")
    func kernelsAgree() {
        let problem = SmallBatchProblem(m: 11, depth: 600, columns: 333)
        let portable = problem.run(problem.product(.portable))
        #expect(problem.worstError(portable) < problem.tolerance)
        guard SmallBatchProduct.Kernel.avx2.isAvailable else { return }
        let avx2 = problem.run(problem.product(.avx2))
        var largest: Float = 0
        for (a, b) in zip(avx2, portable) { largest = max(largest, abs(a - b)) }
        #expect(largest > 0 || avx2 == portable)
        #expect(largest < 1e-4, "largest difference \(largest)")
        if SmallBatchProduct.Kernel.avx512.isAvailable {
            #expect(problem.run(problem.product(.avx512)) == avx2)
        }
        #expect(SmallBatchProduct.Kernel.fastest.isAvailable)
    }

    @Test("no rows or no columns write nothing")
    func empty() {
        let problem = SmallBatchProblem(m: 2, depth: 4, columns: 9)
        for kernel in Self.kernels {
            let output = problem.run(problem.product(kernel, threads: 1), rows: 0)
            #expect(output == [SmallBatchProblem.sentinel])
        }
    }
}
