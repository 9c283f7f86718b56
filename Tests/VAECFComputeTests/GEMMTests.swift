import Testing

@testable import VAECFCompute

@Suite("Portable GEMM")
struct GEMMTests {
    /// Odd sizes around the tile (6 x 8), depth block (256), row block (120) and column block (2048) edges.
    static let shapes: [(m: Int, n: Int, k: Int)] = [
        (1, 1, 1), (7, 33, 65), (65, 7, 33), (33, 65, 7), (6, 8, 300), (13, 17, 513), (130, 9, 3), (7, 2050, 2),
    ]

    @Test("all transpose combinations match a double-precision reference", arguments: shapes.indices)
    func matchesReference(shapeIndex: Int) {
        let shape = Self.shapes[shapeIndex]
        for (transposeA, transposeB) in transposeCombinations {
            let problem = GEMMProblem(
                transposeA: transposeA, transposeB: transposeB, m: shape.m, n: shape.n, k: shape.k)
            let mismatches = problem.mismatches(problem.run(.portable(threadCount: 1)))
            #expect(mismatches.isEmpty, "\(problem.label): \(mismatches.prefix(3))")
        }
    }

    @Test("the multi-threaded split matches the reference and is bitwise equal to one thread")
    func threadedSplitIsReproducible() {
        // (40, 9): rows are split; (9, 40): columns are split; uneven chunk sizes for 3 threads.
        for (m, n) in [(40, 9), (9, 40), (61, 61)] {
            for (transposeA, transposeB) in transposeCombinations {
                let problem = GEMMProblem(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: 270)
                var results: [[Float]] = []
                for threads in [1, 2, 3, 2] {
                    var result = problem.c
                    problem.run(on: &result) { a, b, c in
                        PortableGEMM.multiply(
                            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: problem.k,
                            alpha: problem.alpha, a: a, lda: problem.lda, b: b, ldb: problem.ldb,
                            beta: problem.beta, c: c, ldc: problem.ldc, threadCount: threads, parallelThreshold: 0)
                    }
                    results.append(result)
                }
                #expect(problem.mismatches(results[0]).isEmpty, "\(problem.label)")
                for result in results.dropFirst() {
                    #expect(
                        result.map(\.bitPattern) == results[0].map(\.bitPattern),
                        "\(problem.label): thread counts disagree bitwise")
                }
            }
        }
    }

    @Test("two runs with the same thread count are bitwise identical through the public API")
    func repeatedRunsAreBitwiseIdentical() {
        let problem = GEMMProblem(transposeA: false, transposeB: true, m: 37, n: 29, k: 600, seed: 11)
        let gemm = GEMM.portable(threadCount: 2)
        #expect(problem.run(gemm).map(\.bitPattern) == problem.run(gemm).map(\.bitPattern))
    }

    @Test("beta 0 overwrites C without reading it, so NaN in C is ignored")
    func betaZeroIgnoresNaN() {
        var problem = GEMMProblem(transposeA: false, transposeB: false, m: 9, n: 11, k: 5, alpha: 2, beta: 0)
        for row in 0..<problem.m {
            for column in 0..<problem.n { problem.c[row * problem.ldc + column] = .nan }
        }
        let result = problem.run(.portable(threadCount: 1))
        #expect(problem.mismatches(result).isEmpty)
    }

    @Test("beta 1 accumulates into C")
    func betaOneAccumulates() {
        let problem = GEMMProblem(transposeA: true, transposeB: false, m: 10, n: 12, k: 7, alpha: 1, beta: 1)
        let result = problem.run(.portable(threadCount: 1))
        #expect(problem.mismatches(result).isEmpty)
        // A product of zero operands would leave C as it was; make sure this one did not.
        #expect(result != problem.c)
    }

    @Test("k == 0 and alpha == 0 give C = beta * C without reading A or B")
    func degenerateDepthScalesC() {
        for (k, alpha) in [(0, Float(1)), (4, Float(0))] {
            for beta: Float in [0, 1, -2] {
                var problem = GEMMProblem(
                    transposeA: false, transposeB: false, m: 3, n: 4, k: k, alpha: alpha, beta: beta)
                problem.a = problem.a.map { _ in .nan }
                problem.b = problem.b.map { _ in .nan }
                let result = problem.run(.portable(threadCount: 1))
                for row in 0..<3 {
                    for column in 0..<4 {
                        let index = row * problem.ldc + column
                        #expect(result[index] == (beta == 0 ? 0 : beta * problem.c[index]), "k \(k), beta \(beta)")
                    }
                }
            }
        }
    }

    @Test("m == 0 or n == 0 touches nothing")
    func emptyOutputIsNoOp() {
        var c: [Float] = [42]
        let a: [Float] = [1]
        let b: [Float] = [1]
        for (m, n) in [(0, 1), (1, 0), (0, 0)] {
            c.withUnsafeMutableBufferPointer { c in
                GEMM.portable(threadCount: 2).multiply(
                    transposeA: false, transposeB: false, m: m, n: n, k: 1, alpha: 1, a: a, lda: 1, b: b, ldb: 1,
                    beta: 0, c: c.baseAddress!, ldc: 1)
            }
        }
        #expect(c == [42])
    }
}
