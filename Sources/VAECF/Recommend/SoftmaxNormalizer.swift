import Foundation

/// The softmax normalizer of a row of logits, `log(sum(exp(x)))`, in one vectorized pass per quantity.
///
/// Written with comparisons and selects, which compile to `maxps` and friends on baseline x86-64, rather than
/// `pointwiseMax` and `clamped`, which do not vectorize there. The exponential is the degree-6 polynomial of
/// ``VAECFCompute/VectorMath/exp(_:)-(SIMD16<Float>)`` (relative error below 2e-7) on arguments `x - max(x) <= 0`.
enum SoftmaxNormalizer {
    typealias Vector = SIMD8<Float>

    /// `log(sum(exp(x[i])))` over `x[0 ..< count]`, shifted by the maximum so nothing overflows; NaN entries
    /// are ignored by the maximum. `-infinity` for an empty row.
    static func logSumExp(_ x: UnsafePointer<Float>, count: Int) -> Double {
        let largest = maximum(x, count: count)
        guard largest.isFinite else { return Double(largest) }
        return Double(largest) + Foundation.log(sumOfExponentials(x, count: count, shift: largest))
    }

    /// Largest entry of `x[0 ..< count]` (NaN ignored); `-infinity` when empty.
    static func maximum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var best0 = Vector(repeating: -.infinity), best1 = best0
        var index = 0
        while index + 16 <= count {
            let a = UnsafeRawPointer(x + index).loadUnaligned(as: Vector.self)
            let b = UnsafeRawPointer(x + index + 8).loadUnaligned(as: Vector.self)
            best0.replace(with: a, where: a .> best0)
            best1.replace(with: b, where: b .> best1)
            index += 16
        }
        best0.replace(with: best1, where: best1 .> best0)
        var result = -Float.infinity
        for lane in 0..<8 where best0[lane] > result { result = best0[lane] }
        while index < count {
            if x[index] > result { result = x[index] }
            index += 1
        }
        return result
    }

    /// `exp(x - shift)` for eight lanes with `x - shift <= 0` (smaller than -87.3 counts as -87.3).
    @inline(__always)
    static func exponential(_ x: Vector, shift: Vector) -> Vector {
        var value = x - shift
        let lowest = Vector(repeating: -87.33654)
        value.replace(with: lowest, where: value .< lowest)
        let magic = Vector(repeating: 12_582_912)
        let biased = value * 1.442_695_04 + magic
        let n = biased - magic
        var r = value - n * 0.693_359_375
        r = r + n * 2.121_944_4e-4
        var p = Vector(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        p = p * (r * r) + r + 1
        let integer = unsafeBitCast(biased, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
        return p * unsafeBitCast((integer &+ 127) &<< 23, to: Vector.self)
    }

    /// `sum(exp(x[i] - shift))` with `shift >= max(x)`, accumulated in float lanes, then in Double.
    static func sumOfExponentials(_ x: UnsafePointer<Float>, count: Int, shift: Float) -> Double {
        let shiftVector = Vector(repeating: shift)
        var sum0 = Vector(), sum1 = Vector()
        var index = 0
        while index + 16 <= count {
            sum0 += exponential(UnsafeRawPointer(x + index).loadUnaligned(as: Vector.self), shift: shiftVector)
            sum1 += exponential(UnsafeRawPointer(x + index + 8).loadUnaligned(as: Vector.self), shift: shiftVector)
            index += 16
        }
        var total = Double((sum0 + sum1).sum())
        while index < count {
            total += Double(exponential(Vector(repeating: x[index]), shift: shiftVector)[0])
            index += 1
        }
        return total
    }
}
