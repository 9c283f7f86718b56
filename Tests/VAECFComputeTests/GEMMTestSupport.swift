import VAECFCompute
import VAECFCore

/// A row-major SGEMM problem with stored operands, a naive double-precision reference and an error bound.
struct GEMMProblem {
    let transposeA: Bool
    let transposeB: Bool
    let m: Int
    let n: Int
    let k: Int
    let alpha: Float
    let beta: Float
    let lda: Int
    let ldb: Int
    let ldc: Int
    var a: [Float]
    var b: [Float]
    var c: [Float]

    /// Random operands in [-1, 1); row strides exceed the stored widths by `padding` (padding filled with NaN,
    /// which must never be read).
    init(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1.5, beta: Float = -0.5,
        padding: Int = 3, seed: UInt64 = 7
    ) {
        self.transposeA = transposeA
        self.transposeB = transposeB
        self.m = m
        self.n = n
        self.k = k
        self.alpha = alpha
        self.beta = beta
        let aShape = transposeA ? (rows: k, columns: m) : (rows: m, columns: k)
        let bShape = transposeB ? (rows: n, columns: k) : (rows: k, columns: n)
        lda = aShape.columns + padding
        ldb = bShape.columns + padding
        ldc = n + padding
        var random = RandomSource(seed: seed)
        a = Self.filled(rows: aShape.rows, columns: aShape.columns, stride: lda, random: &random)
        b = Self.filled(rows: bShape.rows, columns: bShape.columns, stride: ldb, random: &random)
        c = Self.filled(rows: m, columns: n, stride: ldc, random: &random)
    }

    private static func filled(rows: Int, columns: Int, stride: Int, random: inout RandomSource) -> [Float] {
        var values = [Float](repeating: .nan, count: max(1, rows * stride))
        for row in 0..<rows {
            for column in 0..<columns { values[row * stride + column] = random.nextFloat() * 2 - 1 }
        }
        return values
    }

    func elementA(_ row: Int, _ p: Int) -> Double {
        Double(transposeA ? a[p * lda + row] : a[row * lda + p])
    }

    func elementB(_ p: Int, _ column: Int) -> Double {
        Double(transposeB ? b[column * ldb + p] : b[p * ldb + column])
    }

    /// Runs `gemm` on a copy of `c` and returns the result.
    func run(_ gemm: GEMM) -> [Float] {
        var result = c
        run(on: &result) { a, b, c in
            gemm.multiply(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
        return result
    }

    /// Runs `body(a, b, c)` over the stored operands with `c` bound to `result`.
    func run(
        on result: inout [Float],
        _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
    ) {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                result.withUnsafeMutableBufferPointer { c in body(a.baseAddress!, b.baseAddress!, c.baseAddress!) }
            }
        }
    }

    /// Elements of `result` (in `C`'s layout) that differ from the double-precision reference by more than
    /// `(k + 2) * ulpOfOne * (|alpha| sum |a||b| + |beta c|)`, as descriptions; padding must be untouched.
    /// `roundInputs` maps every element of `A` and `B` first (the bfloat16 products' rounding).
    func mismatches(_ result: [Float], roundInputs: (Float) -> Float = { $0 }) -> [String] {
        var found: [String] = []
        for row in 0..<m {
            for column in 0..<n {
                var sum = 0.0
                var magnitude = 0.0
                for p in 0..<k {
                    let product =
                        Double(roundInputs(Float(elementA(row, p))))
                        * Double(roundInputs(Float(elementB(p, column))))
                    sum += product
                    magnitude += abs(product)
                }
                let old = Double(c[row * ldc + column])
                let scaled = beta == 0 ? 0 : Double(beta) * old
                let expected = Double(alpha) * sum + scaled
                let bound =
                    Double(k + 2) * Double(Float.ulpOfOne) * (abs(Double(alpha)) * magnitude + abs(scaled)) + 1e-30
                let actual = Double(result[row * ldc + column])
                if !(abs(actual - expected) <= bound) {
                    found.append("C[\(row), \(column)] = \(actual), expected \(expected) ± \(bound)")
                }
            }
            // The padding of C starts as NaN and must stay untouched.
            for column in n..<ldc where !result[row * ldc + column].isNaN {
                found.append("padding C[\(row), \(column)] was written")
            }
        }
        return found
    }

    /// Elements of `result` that differ from the double-precision product of the unrounded operands by more than
    /// the bound of bfloat16 inputs with float accumulation:
    /// `(2^-7 + 2^-16) |alpha| sum |a b| + (k + 2) * ulpOfOne * (|alpha| sum |round(a) round(b)| + |beta c|)`
    /// (each rounded input is within `2^-8` of its value, so a product within `2^-7 + 2^-16` of its own).
    func mismatchesAgainstUnroundedInputs(_ result: [Float]) -> [String] {
        var found: [String] = []
        for row in 0..<m {
            for column in 0..<n {
                var sum = 0.0
                var magnitude = 0.0
                var roundedMagnitude = 0.0
                for p in 0..<k {
                    let (x, y) = (elementA(row, p), elementB(p, column))
                    sum += x * y
                    magnitude += abs(x * y)
                    roundedMagnitude += abs(
                        Double(BFloat16Products.rounded(Float(x))) * Double(BFloat16Products.rounded(Float(y))))
                }
                let scaled = beta == 0 ? 0 : Double(beta) * Double(c[row * ldc + column])
                let expected = Double(alpha) * sum + scaled
                let inputBound = (0x1p-7 + 0x1p-16) * abs(Double(alpha)) * magnitude
                let accumulationBound =
                    Double(k + 2) * Double(Float.ulpOfOne) * (abs(Double(alpha)) * roundedMagnitude + abs(scaled))
                let actual = Double(result[row * ldc + column])
                if !(abs(actual - expected) <= inputBound + accumulationBound + 1e-30) {
                    found.append(
                        "C[\(row), \(column)] = \(actual), expected \(expected) ± \(inputBound + accumulationBound)")
                }
            }
        }
        return found
    }

    /// Elements where `result` and `other` differ by more than twice the float accumulation bound of the
    /// rounded inputs, `2 (k + 2) ulpOfOne (|alpha| sum |round(a) round(b)| + |beta c|)`: two float accumulations
    /// of the same rounded products in different orders.
    func mismatches(_ result: [Float], comparedWith other: [Float]) -> [String] {
        var found: [String] = []
        for row in 0..<m {
            for column in 0..<n {
                var roundedMagnitude = 0.0
                for p in 0..<k {
                    roundedMagnitude += abs(
                        Double(BFloat16Products.rounded(Float(elementA(row, p))))
                            * Double(BFloat16Products.rounded(Float(elementB(p, column)))))
                }
                let scaled = beta == 0 ? 0 : abs(Double(beta) * Double(c[row * ldc + column]))
                let bound =
                    2 * Double(k + 2) * Double(Float.ulpOfOne) * (abs(Double(alpha)) * roundedMagnitude + scaled)
                let (x, y) = (Double(result[row * ldc + column]), Double(other[row * ldc + column]))
                if !(abs(x - y) <= bound + 1e-30) { found.append("C[\(row), \(column)]: \(x) vs \(y) ± \(bound)") }
            }
        }
        return found
    }

    var label: String {
        "\(transposeA ? "A^T" : "A") * \(transposeB ? "B^T" : "B"), m \(m), n \(n), k \(k)"
    }
}

/// All four transpose combinations.
let transposeCombinations: [(Bool, Bool)] = [(false, false), (false, true), (true, false), (true, true)]
