/// Elementwise kernels on unsafe buffers, vectorized with SIMD. All of them allocate nothing.
package enum VectorMath {
    package typealias Vector = SIMD16<Float>

    /// `exp(x)` for 16 lanes: range reduction by ln 2 and a degree-6 polynomial; relative error below
    /// 2e-7 over the whole float range, 0 for x < -87.3, +inf for x > 88.7.
    @inlinable @inline(__always)
    package static func exp(_ x: Vector) -> Vector {
        // Masked replacement, not clamped(lowerBound:upperBound:) or pointwiseMin/Max, which the compiler
        // lowers to scalar code (tens of times slower here).
        var clamped = x
        clamped.replace(with: -87.33654, where: x .< -87.33654)
        clamped.replace(with: 88.72283, where: x .> 88.72283)
        // n = round(x / ln2) with the 1.5 * 2^23 trick: after the addition the integer sits in the low
        // mantissa bits, so no float-to-integer conversion is needed.
        let magic = Vector(repeating: 12_582_912)
        let biased = clamped * 1.442_695_04 + magic
        let n = biased - magic
        // r = x - n ln2, in two parts for precision
        var r = clamped - n * 0.693_359_375
        r = r + n * 2.121_944_4e-4
        // exp(r) on [-ln2/2, ln2/2]
        var p = Vector(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        p = p * (r * r) + r + 1
        // times 2^n = 2^(n/2) * 2^(n - n/2), each built directly in the exponent bits (in two factors so that
        // n = 128, just below the overflow threshold, stays finite)
        let integer = unsafeBitCast(biased, to: SIMD16<Int32>.self) &- unsafeBitCast(magic, to: SIMD16<Int32>.self)
        let half = integer &>> 1
        var result =
            p * unsafeBitCast((half &+ 127) &<< 23, to: Vector.self)
            * unsafeBitCast((integer &- half &+ 127) &<< 23, to: Vector.self)
        result.replace(with: 0, where: x .< -87.33654)
        result.replace(with: .infinity, where: x .> 88.72283)
        return result
    }

    /// `exp(x)` for one float, with the same polynomial as the vector version.
    @inlinable @inline(__always)
    package static func exp(_ x: Float) -> Float { exp(Vector(repeating: x))[0] }

    /// Largest value of `x[0 ..< count]`; `-infinity` when empty.
    @inlinable
    package static func maximum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var best = Vector(repeating: -.infinity)
        var index = 0
        while index + 16 <= count {
            let value = UnsafeRawPointer(x + index).loadUnaligned(as: Vector.self)
            best.replace(with: value, where: value .> best)
            index += 16
        }
        var result = best.max()
        while index < count {
            result = Swift.max(result, x[index])
            index += 1
        }
        return result
    }

    /// Sum of `exp(x[i] - shift)` over `x[0 ..< count]`, accumulated in 16 float lanes then in Double.
    @inlinable
    package static func sumOfExponentials(_ x: UnsafePointer<Float>, count: Int, shift: Float) -> Double {
        var sum = Vector.zero
        var index = 0
        let shiftVector = Vector(repeating: shift)
        while index + 16 <= count {
            sum += exp(UnsafeRawPointer(x + index).loadUnaligned(as: Vector.self) - shiftVector)
            index += 16
        }
        var total = Double(sum.sum())
        while index < count {
            total += Double(exp(x[index] - shift))
            index += 1
        }
        return total
    }

    /// Adds `bias` to `x` in place and returns the largest resulting value (one pass): `[count]`.
    @inlinable
    package static func addBiasReturningMaximum(
        _ bias: UnsafePointer<Float>, to x: UnsafeMutablePointer<Float>, count: Int
    ) -> Float {
        var best = Vector(repeating: -.infinity)
        var index = 0
        while index + 16 <= count {
            let value =
                UnsafeRawPointer(x + index).loadUnaligned(as: Vector.self)
                + UnsafeRawPointer(bias + index).loadUnaligned(as: Vector.self)
            UnsafeMutableRawPointer(x + index).storeBytes(of: value, as: Vector.self)
            best.replace(with: value, where: value .> best)
            index += 16
        }
        var result = best.max()
        while index < count {
            x[index] += bias[index]
            result = Swift.max(result, x[index])
            index += 1
        }
        return result
    }

    /// Replaces `x[i]` by `exp(x[i] - shift)` and returns the sum of the new values (accumulated in 16 float
    /// lanes, then in Double).
    @inlinable
    package static func exponentiateInPlace(_ x: UnsafeMutablePointer<Float>, count: Int, shift: Float) -> Double {
        var sum = Vector.zero
        var index = 0
        let shiftVector = Vector(repeating: shift)
        while index + 16 <= count {
            let value = exp(UnsafeRawPointer(x + index).loadUnaligned(as: Vector.self) - shiftVector)
            UnsafeMutableRawPointer(x + index).storeBytes(of: value, as: Vector.self)
            sum += value
            index += 16
        }
        var total = Double(sum.sum())
        while index < count {
            x[index] = exp(x[index] - shift)
            total += Double(x[index])
            index += 1
        }
        return total
    }

    /// `x[i] *= factor` in place.
    @inlinable
    package static func scaleInPlace(_ x: UnsafeMutablePointer<Float>, count: Int, by factor: Float) {
        var index = 0
        let scale = Vector(repeating: factor)
        while index + 16 <= count {
            let value = UnsafeRawPointer(x + index).loadUnaligned(as: Vector.self) * scale
            UnsafeMutableRawPointer(x + index).storeBytes(of: value, as: Vector.self)
            index += 16
        }
        while index < count {
            x[index] *= factor
            index += 1
        }
    }

    /// `x[i] += bias[i]` over `count` elements.
    @inlinable
    package static func add(_ bias: UnsafePointer<Float>, to x: UnsafeMutablePointer<Float>, count: Int) {
        var index = 0
        while index + 16 <= count {
            let value =
                UnsafeRawPointer(x + index).loadUnaligned(as: Vector.self)
                + UnsafeRawPointer(bias + index).loadUnaligned(as: Vector.self)
            UnsafeMutableRawPointer(x + index).storeBytes(of: value, as: Vector.self)
            index += 16
        }
        while index < count {
            x[index] += bias[index]
            index += 1
        }
    }

    /// `y[i] = alpha * x[i]`.
    @inlinable
    package static func scale(
        _ x: UnsafePointer<Float>, by alpha: Float, into y: UnsafeMutablePointer<Float>, count: Int
    ) {
        for index in 0..<count { y[index] = alpha * x[index] }
    }

    /// Column sums of a row-major `[rows, columns]` matrix added into `sums[columns]` (Float lanes, rows in order).
    @inlinable
    package static func addColumnSums(
        of x: UnsafePointer<Float>, rows: Int, columns: Int, stride: Int, into sums: UnsafeMutablePointer<Float>
    ) {
        for row in 0..<rows { add(x + row * stride, to: sums, count: columns) }
    }
}
