import Testing

@testable import VAECFCompute
import VAECFCore

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

    /// The portable reference on `problem`.
    static func reference(_ problem: GEMMProblem) -> [Float] {
        var result = problem.c
        problem.run(on: &result) { a, b, c in
            BFloat16Products.referenceMultiply(
                transposeA: problem.transposeA, transposeB: problem.transposeB, m: problem.m, n: problem.n,
                k: problem.k, alpha: problem.alpha, a: a, lda: problem.lda, b: b, ldb: problem.ldb,
                beta: problem.beta,
                c: c, ldc: problem.ldc)
        }
        return result
    }

    @Test(
        "the portable reference (any CPU) is within the bound of bfloat16 inputs of the exact product",
        arguments: GEMMTests.shapes.indices)
    func referenceWithinInputRoundingBound(shapeIndex: Int) {
        let shape = GEMMTests.shapes[shapeIndex]
        for (transposeA, transposeB) in transposeCombinations {
            for beta: Float in [-0.5, 0] {
                let problem = GEMMProblem(
                    transposeA: transposeA, transposeB: transposeB, m: shape.m, n: shape.n, k: shape.k, beta: beta)
                let result = Self.reference(problem)
                let mismatches =
                    problem.mismatchesAgainstUnroundedInputs(result)
                    + problem.mismatches(result, roundInputs: BFloat16Products.rounded)
                #expect(mismatches.isEmpty, "\(problem.label), beta \(beta): \(mismatches.prefix(3))")
            }
        }
    }

    @Test("the AVX512-BF16 kernels agree with the portable reference, and are within the input bound", needsKernels)
    func kernelsAgreeWithReference() throws {
        let gemm = try GEMM.portable(threadCount: 2).withPrecision(.bfloat16)
        for (m, n, k) in [(1, 1, 1), (7, 33, 5), (12, 32, 64), (29, 70, 333), (300, 17, 90), (5, 9, 1301)] {
            for (transposeA, transposeB) in transposeCombinations {
                let problem = GEMMProblem(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k)
                let kernel = problem.run(gemm)
                let mismatches =
                    problem.mismatches(kernel, comparedWith: Self.reference(problem))
                    + problem.mismatchesAgainstUnroundedInputs(kernel)
                #expect(mismatches.isEmpty, "\(problem.label): \(mismatches.prefix(3))")
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
                            alpha: problem.alpha, a: a, lda: problem.lda, b: .floats(b), ldb: problem.ldb,
                            beta: problem.beta, c: c, ldc: problem.ldc, threadCount: threads, parallelThreshold: 0)
                    }
                    results.append(result)
                }
                #expect(
                    results.allSatisfy { $0.elementsEqual(results[0]) { $0.bitPattern == $1.bitPattern } },
                    "\(problem.label)")
            }
        }
    }

    @Test("B given as bfloat16 bits gives the bits of B given as floats", needsKernels)
    func bfloat16OperandMatchesFloatOperand() throws {
        let gemm = try GEMM.portable(threadCount: 2).withPrecision(.bfloat16)
        // Odd and even depths, partial panels, and past the row (288), column (2048) and depth (640) blocks.
        for (m, n, k) in [(5, 7, 3), (13, 33, 31), (30, 40, 64), (300, 17, 90), (3, 2100, 70), (14, 20, 1301)] {
            for (transposeA, transposeB) in transposeCombinations {
                let problem = GEMMProblem(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k)
                // The copy holds the padding's NaN too: a read of it would show in the result.
                var bits = [UInt16](repeating: 0, count: problem.b.count)
                problem.b.withUnsafeBufferPointer {
                    BFloat16Products.round($0.baseAddress!, count: $0.count, into: &bits)
                }
                // The float B handed beside the bits is all NaN: only a product that reads the bits comes out finite.
                let unread = [Float](repeating: .nan, count: problem.b.count)
                var fromBits = problem.c
                problem.run(on: &fromBits) { a, _, c in
                    gemm.multiply(
                        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: problem.alpha, a: a,
                        lda: problem.lda, b: unread, bfloat16B: bits, ldb: problem.ldb, beta: problem.beta, c: c,
                        ldc: problem.ldc)
                }
                let fromFloats = problem.run(gemm)
                #expect(fromBits.elementsEqual(fromFloats) { $0.bitPattern == $1.bitPattern }, "\(problem.label)")
            }
        }
    }

    @Test("bulk rounding to bfloat16 bits matches the scalar rounding, tails included", needsKernels)
    func bulkRounding() {
        var random = RandomSource(seed: 11)
        var values = (0..<77).map { _ in (random.nextFloat() * 2 - 1) * 1e3 }
        values += [.infinity, -.infinity, .nan, .greatestFiniteMagnitude, 0x1p-140, -0, Float(bitPattern: 0x3F80_8000)]
        for count in [0, 1, 15, 16, 17, values.count] {
            var bits = [UInt16](repeating: 0xFFFF, count: values.count)
            BFloat16Products.round(values, count: count, into: &bits)
            for index in 0..<values.count {
                let expected = BFloat16Products.rounded(values[index])
                if index < count {
                    let widened = BFloat16Products.widened(bits[index])
                    #expect(widened.bitPattern == expected.bitPattern || (widened.isNaN && expected.isNaN))
                } else {
                    #expect(bits[index] == 0xFFFF, "rounding wrote past its count \(count)")
                }
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
