import Foundation
import Testing
import VAECFCompute
import VAECFCore

@testable import VAECF

@Suite("bfloat16 output weights")
struct BFloat16OutputTests {
    static let needsKernels = Testing.ConditionTrait.enabled(
        if: InferencePrecision.bfloat16.missingInstructions.isEmpty,
        "this CPU has no AVX512-BF16: the bfloat16 output layer is not run")

    @Test(
        "products match a double-precision product of the rounded operands, every row count, bias added",
        needsKernels)
    func productsMatchReference() {
        let (rows, columns) = (70, 45)
        var random = RandomSource(seed: 3)
        let weights = (0..<(rows * columns)).map { _ in random.nextFloat() - 0.5 }
        let bias = (0..<columns).map { Float($0) * 0.01 }
        let matrix = weights.withUnsafeBufferPointer {
            BFloat16Matrix(
                $0.baseAddress!, rows: rows, columns: columns, ld: columns,
                executor: ParallelExecutor(threadCount: 2))
        }
        let round = { (value: Float) in Double(BFloat16Products.rounded(value)) }
        for m in [1, 5, 12, 13, 40] {
            let input = (0..<(m * rows)).map { _ in random.nextFloat() * 2 - 1 }
            var output = [Float](repeating: .nan, count: m * (columns + 2))
            input.withUnsafeBufferPointer { x in
                output.withUnsafeMutableBufferPointer { out in
                    matrix.multiply(
                        input: x.baseAddress!, m: m, lda: rows, bias: bias, output: out.baseAddress!,
                        ldc: columns + 2, executor: ParallelExecutor(threadCount: 3))
                }
            }
            for row in 0..<m {
                for column in 0..<columns {
                    var sum = Double(bias[column])
                    var magnitude = abs(sum)
                    for r in 0..<rows {
                        let product = round(input[row * rows + r]) * round(weights[r * columns + column])
                        sum += product
                        magnitude += abs(product)
                    }
                    let actual = Double(output[row * (columns + 2) + column])
                    #expect(abs(actual - sum) <= Double(rows + 2) * 1.2e-7 * magnitude, "m \(m) [\(row), \(column)]")
                }
                #expect(output[row * (columns + 2) + columns].isNaN && output[row * (columns + 2) + columns + 1].isNaN)
            }
        }
    }

    @Test("bfloat16 recommendations agree with float32: nearly the same top items, close scores", needsKernels)
    func agreesWithFloat32() {
        let (mixed, queries, approximate, overlap, worst) = RecommendFixture.againstFloat32(.bfloat16)
        #expect(overlap >= 270, "top-10 overlap \(overlap) of 300")
        #expect(worst <= 0.03, "largest relative score difference \(worst)")
        // A user's values do not depend on the other queries of the call.
        let few = Array(queries.prefix(14))
        #expect(mixed.recommend(few) == few.map { mixed.recommend([$0])[0] })
        #expect(mixed.description.precision == "bfloat16")
    }

    @Test("precision names; bfloat16 is listed as supported exactly when the CPU has the instructions")
    func names() {
        #expect(InferencePrecision(name: "bf16") == .bfloat16)
        #expect(InferencePrecision.float16.missingInstructions.isEmpty)
        #expect(
            InferencePrecision.supportedCases.contains(.bfloat16)
                == ComputePrecision.missingInstructions(for: .bfloat16).isEmpty)
    }
}
