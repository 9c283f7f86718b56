import Testing

@testable import VAECFCompute

@Suite("bfloat16 products")
struct BFloat16ProductsTests {
    static let needsKernels = Testing.ConditionTrait.enabled(
        if: BFloat16Products.isSupported, "this CPU has no AVX512-BF16: the bfloat16 kernels are not run")

    @Test("rounding to bfloat16: nearest, ties to even, NaN and infinities kept")
    func rounding() {
        func bits(_ pattern: UInt32) -> Float { Float(bitPattern: pattern) }
        #expect(BFloat16Products.rounded(1) == 1)
        #expect(BFloat16Products.rounded(-2.5) == -2.5)
        // Halfway cases: 0x3F80_8000 lies between 0x3F80 and 0x3F81 and goes to the even 0x3F80;
        // 0x3F81_8000 between 0x3F81 and 0x3F82 goes to 0x3F82.
        #expect(BFloat16Products.rounded(bits(0x3F80_8000)).bitPattern == 0x3F80_0000)
        #expect(BFloat16Products.rounded(bits(0x3F81_8000)).bitPattern == 0x3F82_0000)
        #expect(BFloat16Products.rounded(bits(0x3F80_8001)).bitPattern == 0x3F81_0000)
        #expect(BFloat16Products.rounded(bits(0x3F80_7FFF)).bitPattern == 0x3F80_0000)
        #expect(BFloat16Products.rounded(.infinity) == .infinity)
        #expect(BFloat16Products.rounded(-.infinity) == -.infinity)
        #expect(BFloat16Products.rounded(.greatestFiniteMagnitude) == .infinity)
        #expect(BFloat16Products.rounded(.nan).isNaN)
        #expect(BFloat16Products.rounded(Float(bitPattern: 0x7F80_0001)).isNaN)
        // Every rounded value is within half a bfloat16 unit (2^-8 relative) of the input.
        for value: Float in [0.1, 3.3e-5, 123_456.7, -7.77e20] {
            #expect(abs(BFloat16Products.rounded(value) - value) <= abs(value) * 0x1p-8)
        }
    }

    @Test(
        "all transpose combinations match a reference on bfloat16-rounded inputs", needsKernels,
        arguments: GEMMTests.shapes.indices)
    func matchesReference(shapeIndex: Int) throws {
        let shape = GEMMTests.shapes[shapeIndex]
        let gemm = try GEMM.portable(threadCount: 1).withPrecision(.bfloat16)
        for (transposeA, transposeB) in transposeCombinations {
            for beta: Float in [-0.5, 0] {
                let problem = GEMMProblem(
                    transposeA: transposeA, transposeB: transposeB, m: shape.m, n: shape.n, k: shape.k, beta: beta)
                let mismatches = problem.mismatches(problem.run(gemm), roundInputs: BFloat16Products.rounded)
                #expect(mismatches.isEmpty, "\(problem.label), beta \(beta): \(mismatches.prefix(3))")
            }
        }
    }

    @Test("blocks past the kernel's depth, row and column blocks", needsKernels)
    func largeBlocks() throws {
        let gemm = try GEMM.portable(threadCount: 2).withPrecision(.bfloat16)
        // Past the row block (288), the column block (2048) and the depth block (640).
        for (m, n, k) in [(300, 17, 90), (3, 2100, 70), (14, 20, 1300)] {
            for (transposeA, transposeB) in transposeCombinations {
                let problem = GEMMProblem(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k)
                let mismatches = problem.mismatches(problem.run(gemm), roundInputs: BFloat16Products.rounded)
                #expect(mismatches.isEmpty, "\(problem.label): \(mismatches.prefix(3))")
            }
        }
    }

    @Test("the split between threads gives the same bits as one thread", needsKernels)
    func threadedSplitIsReproducible() {
        for (m, n) in [(40, 9), (9, 70), (61, 61)] {
            for (transposeA, transposeB) in transposeCombinations {
                let problem = GEMMProblem(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: 270)
                var results: [[Float]] = []
                for threads in [1, 2, 3] {
                    var result = problem.c
                    problem.run(on: &result) { a, b, c in
                        BFloat16Products.multiply(
                            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: problem.k,
                            alpha: problem.alpha, a: a, lda: problem.lda, b: b, ldb: problem.ldb, beta: problem.beta,
                            c: c, ldc: problem.ldc, threadCount: threads, parallelThreshold: 0)
                    }
                    results.append(result)
                }
                #expect(
                    results.allSatisfy { $0.elementsEqual(results[0]) { $0.bitPattern == $1.bitPattern } },
                    "\(problem.label)")
            }
        }
    }

    @Test("a GEMM set to bfloat16 rounds its inputs; float32 does not", needsKernels)
    func precisionSelectsTheKernels() throws {
        // 1 + 2^-10 is not a bfloat16: rounded, the product is exactly 1.
        let a: [Float] = [1 + 0x1p-10]
        let b: [Float] = [1]
        func product(_ gemm: GEMM) -> Float {
            var c: [Float] = [0]
            gemm.multiply(
                transposeA: false, transposeB: false, m: 1, n: 1, k: 1, alpha: 1, a: a, lda: 1, b: b, ldb: 1,
                beta: 0, c: &c, ldc: 1)
            return c[0]
        }
        let float32 = GEMM.portable(threadCount: 1)
        let bfloat16 = try float32.withPrecision(.bfloat16)
        #expect(product(float32) == 1 + 0x1p-10)
        #expect(product(bfloat16) == 1)
        #expect(bfloat16.precision == .bfloat16 && float32.precision == .float32)
        #expect(bfloat16.description.hasPrefix("bfloat16"))
    }

    @Test("without AVX512-BF16, bfloat16 is refused naming the missing instructions")
    func refusalNamesInstructions() throws {
        let missing = ComputePrecision.missingInstructions(for: .bfloat16)
        #expect(ComputePrecision.missingInstructions(for: .float32).isEmpty)
        if BFloat16Products.isSupported {
            #expect(missing.isEmpty)
            #expect(throws: Never.self) { try GEMM.portable(threadCount: 1).withPrecision(.bfloat16) }
        } else {
            #expect(!missing.isEmpty)
            #expect(throws: ComputePrecisionError.unsupported(.bfloat16, missingInstructions: missing)) {
                try GEMM.portable(threadCount: 1).withPrecision(.bfloat16)
            }
        }
        let message = ComputePrecisionError.unsupported(.bfloat16, missingInstructions: ["AVX512-BF16"]).description
        #expect(message.contains("AVX512-BF16") && message.contains("--precision float32"))
    }

    @Test("precision names")
    func names() {
        #expect(ComputePrecision(name: "BF16") == .bfloat16)
        #expect(ComputePrecision(name: "fp32") == .float32)
        #expect(ComputePrecision(name: "float16") == nil)
    }
}
