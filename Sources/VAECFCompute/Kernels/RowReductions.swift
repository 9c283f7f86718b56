import VAECFNativeKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reductions over one row of logits for ranking and the softmax: maxima of fixed-size chunks and sums of
/// shifted exponentials. Runs the AVX2 / FMA kernels of `VAECFNativeKernels` (or their AVX-512 versions, which
/// give the same results bit for bit) where the CPU has them, and
/// portable SIMD code (written with comparisons and selects, which vectorize on baseline x86-64, unlike
/// `pointwiseMax` and `clamped`) elsewhere; the two agree to the polynomial's accuracy, not bit for bit.
package struct RowReductions: Sendable {
    /// Whether this CPU runs the AVX2 / FMA kernels.
    package static let nativeKernelsAvailable = NativeKernelSupport.avx2

    /// Whether this CPU also runs the AVX-512 versions.
    package static let wideKernelsAvailable = NativeKernelSupport.avx512

    /// Whether this instance uses the native kernels.
    package let usesNativeKernels: Bool
    /// Whether it uses their AVX-512 versions.
    package let usesWideKernels: Bool

    /// - Parameters:
    ///   - native: use the AVX2 / FMA kernels (ignored where they are not available).
    ///   - wide: use their AVX-512 versions where available.
    package init(native: Bool = RowReductions.nativeKernelsAvailable, wide: Bool = true) {
        usesNativeKernels = native && Self.nativeKernelsAvailable
        usesWideKernels = usesNativeKernels && wide && Self.wideKernelsAvailable
    }

    typealias Vector = SIMD8<Float>

    /// `maxima[c]` = the largest of `x[c * chunk ..< min(count, (c + 1) * chunk)]`, NaN ignored (`-infinity`
    /// for a chunk without numbers); returns the largest of all (`-infinity` when `count == 0`).
    /// `chunk` must be a positive multiple of 8; `maxima` holds `ceil(count / chunk)` values.
    package func chunkMaxima(
        _ x: UnsafePointer<Float>, count: Int, chunk: Int, into maxima: UnsafeMutablePointer<Float>
    ) -> Float {
        precondition(chunk > 0 && chunk % 8 == 0, "chunk must be a positive multiple of 8")
        if usesWideKernels { return vaecf_chunk_maxima_avx512(x, count, chunk, maxima) }
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

    /// `x[i] += bias[i]` over `x[0 ..< count]` and ``chunkMaxima(_:count:chunk:into:)`` of the results, in one
    /// pass: the values of `VectorMath.add(bias, to: x, count: count)` followed by `chunkMaxima`.
    package func addBiasAndChunkMaxima(
        _ x: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, count: Int, chunk: Int,
        into maxima: UnsafeMutablePointer<Float>
    ) -> Float {
        precondition(chunk > 0 && chunk % 8 == 0, "chunk must be a positive multiple of 8")
        if usesWideKernels { return vaecf_add_bias_chunk_maxima_avx512(x, bias, count, chunk, maxima) }
        if usesNativeKernels { return vaecf_add_bias_chunk_maxima(x, bias, count, chunk, maxima) }
        VectorMath.add(bias, to: x, count: count)
        return chunkMaxima(x, count: count, chunk: chunk, into: maxima)
    }

    /// The largest of `x[0 ..< count]`, NaN ignored; `-infinity` when there is no number.
    package func maximum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var largest = -Float.infinity
        _ = withUnsafeMutablePointer(to: &largest) {
            chunkMaxima(x, count: count, chunk: max(8, (count + 7) / 8 * 8), into: $0)
        }
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
    package func sumOfExponentials(_ x: UnsafePointer<Float>, count: Int, shift: Float) -> Double {
        if usesWideKernels { return vaecf_sum_exp_shifted_avx512(x, count, shift) }
        if usesNativeKernels { return vaecf_sum_exp_shifted(x, count, shift) }
        return VectorMath.sumOfExponentials(x, count: count, shift: shift)
    }

    /// `log(sum(exp(x[i])))` over `x[0 ..< count]` given its maximum (NaN entries ignored by it).
    package func logSumExp(_ x: UnsafePointer<Float>, count: Int, maximum: Float) -> Double {
        guard maximum.isFinite else { return Double(maximum) }
        return Double(maximum) + log(sumOfExponentials(x, count: count, shift: maximum))
    }

    /// Copies the entries of `x[0 ..< count]` that are `>= threshold` (NaN never is), in order, to `scores`,
    /// and their positions to `items`; returns how many. Both outputs must hold `count` values.
    package func gather(
        _ x: UnsafePointer<Float>, count: Int, atLeast threshold: Float, scores: UnsafeMutablePointer<Float>,
        items: UnsafeMutablePointer<Int32>
    ) -> Int {
        if usesWideKernels { return vaecf_gather_at_least_avx512(x, count, threshold, scores, items) }
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
