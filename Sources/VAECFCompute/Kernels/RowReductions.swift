import VAECFNativeKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reductions over one row of logits for ranking and the softmax: maxima of fixed-size chunks and sums of
/// shifted exponentials. Runs the AVX2 / FMA kernels of `VAECFNativeKernels` where the CPU has them, and
/// portable SIMD code (written with comparisons and selects, which vectorize on baseline x86-64, unlike
/// `pointwiseMax` and `clamped`) elsewhere; the two agree to the polynomial's accuracy, not bit for bit.
public struct RowReductions: Sendable {
    /// Whether this CPU runs the AVX2 / FMA kernels.
    public static let nativeKernelsAvailable = vaecf_native_kernels_available() != 0

    /// Whether this instance uses them.
    public let usesNativeKernels: Bool

    /// - Parameter native: use the AVX2 / FMA kernels (ignored where they are not available).
    public init(native: Bool = RowReductions.nativeKernelsAvailable) {
        usesNativeKernels = native && Self.nativeKernelsAvailable
    }

    typealias Vector = SIMD8<Float>

    /// `maxima[c]` = the largest of `x[c * chunk ..< min(count, (c + 1) * chunk)]`, NaN ignored (`-infinity`
    /// for a chunk without numbers); returns the largest of all (`-infinity` when `count == 0`).
    /// `chunk` must be a positive multiple of 8; `maxima` holds `ceil(count / chunk)` values.
    public func chunkMaxima(
        _ x: UnsafePointer<Float>, count: Int, chunk: Int, into maxima: UnsafeMutablePointer<Float>
    ) -> Float {
        precondition(chunk > 0 && chunk % 8 == 0, "chunk must be a positive multiple of 8")
        if usesNativeKernels { return vaecf_chunk_maxima(x, count, chunk, maxima) }
        var overall = -Float.infinity
        var start = 0
        var index = 0
        while start < count {
            let end = min(count, start + chunk)
            var best = Vector(repeating: -.infinity)
            var position = start
            while position + 8 <= end {
                let values = UnsafeRawPointer(x + position).loadUnaligned(as: Vector.self)
                best.replace(with: values, where: values .> best)
                position += 8
            }
            var value = Self.largest(best)
            while position < end {
                if x[position] > value { value = x[position] }
                position += 1
            }
            maxima[index] = value
            if value > overall { overall = value }
            index += 1
            start = end
        }
        return overall
    }

    /// The largest of `x[0 ..< count]`, NaN ignored; `-infinity` when there is no number.
    public func maximum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var largest = -Float.infinity
        _ = withUnsafeMutablePointer(to: &largest) { chunkMaxima(x, count: count, chunk: max(8, (count + 7) / 8 * 8), into: $0) }
        return largest
    }

    /// The largest lane (a tree of selects over halves).
    @inline(__always)
    static func largest(_ vector: Vector) -> Float {
        var four = vector.lowHalf
        four.replace(with: vector.highHalf, where: vector.highHalf .> four)
        var two = four.lowHalf
        two.replace(with: four.highHalf, where: four.highHalf .> two)
        return two[1] > two[0] ? two[1] : two[0]
    }

    /// `sum(exp(x[i] - shift))` over `x[0 ..< count]` for `shift >= max(x)`: a degree-6 polynomial after range
    /// reduction (relative error below 2e-7, arguments below -87.3 count as -87.3), float lanes, then Double.
    public func sumOfExponentials(_ x: UnsafePointer<Float>, count: Int, shift: Float) -> Double {
        if usesNativeKernels { return vaecf_sum_exp_shifted(x, count, shift) }
        let shiftVector = Vector(repeating: shift)
        var total = 0.0
        var index = 0
        while index + 16 <= count {
            let end = min(count, index + 1024)
            var sum0 = Vector(), sum1 = Vector()
            while index + 16 <= end {
                sum0 += Self.exponential(UnsafeRawPointer(x + index).loadUnaligned(as: Vector.self) - shiftVector)
                sum1 += Self.exponential(UnsafeRawPointer(x + index + 8).loadUnaligned(as: Vector.self) - shiftVector)
                index += 16
            }
            total += Double((sum0 + sum1).sum())
        }
        while index < count {
            total += Double(Self.exponential(Vector(repeating: x[index] - shift))[0])
            index += 1
        }
        return total
    }

    /// `log(sum(exp(x[i])))` over `x[0 ..< count]` given its maximum (NaN entries ignored by it).
    public func logSumExp(_ x: UnsafePointer<Float>, count: Int, maximum: Float) -> Double {
        guard maximum.isFinite else { return Double(maximum) }
        return Double(maximum) + log(sumOfExponentials(x, count: count, shift: maximum))
    }

    /// `exp(value)` for eight lanes with `value <= 0`.
    @inline(__always)
    static func exponential(_ argument: Vector) -> Vector {
        var value = argument
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

    /// Copies the entries of `x[0 ..< count]` that are `>= threshold` (NaN never is), in order, to `scores`,
    /// and their positions to `items`; returns how many. Both outputs must hold `count` values.
    public func gather(
        _ x: UnsafePointer<Float>, count: Int, atLeast threshold: Float, scores: UnsafeMutablePointer<Float>,
        items: UnsafeMutablePointer<Int32>
    ) -> Int {
        if usesNativeKernels { return vaecf_gather_at_least(x, count, threshold, scores, items) }
        var found = 0
        var index = 0
        let limit = Vector(repeating: threshold)
        while index + 8 <= count {
            let block = UnsafeRawPointer(x + index).loadUnaligned(as: Vector.self)
            if any(block .>= limit) {
                for lane in 0..<8 where block[lane] >= threshold {
                    scores[found] = block[lane]
                    items[found] = Int32(truncatingIfNeeded: index + lane)
                    found += 1
                }
            }
            index += 8
        }
        while index < count {
            if x[index] >= threshold {
                scores[found] = x[index]
                items[found] = Int32(truncatingIfNeeded: index)
                found += 1
            }
            index += 1
        }
        return found
    }
}
