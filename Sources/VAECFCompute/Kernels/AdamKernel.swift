import VAECFCore

/// The Adam update in the reference's (TensorFlow 1) form, over flat parameter, gradient and moment buffers:
/// `m = b1 m + (1 - b1) g`, `v = b2 v + (1 - b2) g^2`,
/// `p -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + epsilon)`.
///
/// One pass over the parameters does all of a step's per-parameter work: the loss scale is undone as the
/// gradients are read, the L2 penalty's gradient is added and its squared norm taken (``L2Penalty``), and the
/// bfloat16 copy of the new values written.
package enum AdamKernel {
    /// Values per unit of work: the threads split whole units, the penalty's norm is summed per unit, and the
    /// bfloat16 copy of a unit is written while its values are in cache (32 KB of parameters).
    package static let unit = 8192

    /// Units in `count` values: the size of the `normPartials` buffer an ``L2Penalty`` needs.
    package static func unitCount(_ count: Int) -> Int { (count + unit - 1) / unit }

    /// Updates `parameters[0 ..< count]` in place, units split between the workers, SIMD loops inside.
    /// - Parameters:
    ///   - step: the 1-based step number `t`.
    ///   - gradientScale: each gradient is multiplied by it as it is read (`1 / S` undoes a loss scale `S`).
    ///   - penalty: adds `2 lam p` to the (unscaled) gradients of its ranges and returns `sum p^2` over them,
    ///     of the values before the update; `nil`: no penalty, returns 0.
    ///   - bfloat16Copy: when given, `bfloat16Copy[i]` receives the bits of the updated `parameters[i]` rounded
    ///     to bfloat16 (ties to even), unit by unit while the values are in cache (needs AVX512-BF16).
    @discardableResult
    package static func update(
        parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>,
        firstMoments: UnsafeMutablePointer<Float>, secondMoments: UnsafeMutablePointer<Float>, count: Int,
        learningRate: Double, beta1: Double, beta2: Double, epsilon: Double, step: Int,
        gradientScale: Float = 1, penalty: L2Penalty? = nil, bfloat16Copy: UnsafeMutablePointer<UInt16>? = nil,
        executor: ParallelExecutor
    ) -> Double {
        let correction = learningRate * (1 - pow(beta2, Double(step))).squareRoot() / (1 - pow(beta1, Double(step)))
        let constants = AdamConstants(
            rate: Float(correction), beta1: Float(beta1), beta2: Float(beta2), oneMinusBeta1: Float(1 - beta1),
            oneMinusBeta2: Float(1 - beta2), epsilon: Float(epsilon), gradientScale: gradientScale)
        let buffers = AdamBuffers(
            parameters: parameters, gradients: gradients, firstMoments: firstMoments, secondMoments: secondMoments)
        executor.forEachChunk(count: unitCount(count), minimumChunk: 8) { _, units in
            for unit in units {
                let values = (unit * Self.unit)..<min(count, (unit + 1) * Self.unit)
                let norm = forEachSegment(of: values, penalty: penalty) { segment, factor in
                    constants.apply(to: buffers, range: segment, penaltyFactor: factor)
                }
                penalty?.normPartials[unit] = norm
                if let bfloat16Copy {
                    BFloat16Products.round(
                        parameters + values.lowerBound, count: values.count, into: bfloat16Copy + values.lowerBound)
                }
            }
        }
        return penalty?.total(units: unitCount(count)) ?? 0
    }

    /// `penalty`'s `sum p^2` over `parameters[0 ..< count]`, without an update: the same units, segments and
    /// order of additions as ``update(parameters:gradients:firstMoments:secondMoments:count:learningRate:beta1:beta2:epsilon:step:gradientScale:penalty:bfloat16Copy:executor:)``,
    /// so the same bits (a skipped step still reports its penalty).
    package static func squaredNorm(
        of parameters: UnsafePointer<Float>, count: Int, penalty: L2Penalty, executor: ParallelExecutor
    ) -> Double {
        executor.forEachChunk(count: unitCount(count), minimumChunk: 8) { _, units in
            for unit in units {
                let values = (unit * Self.unit)..<min(count, (unit + 1) * Self.unit)
                penalty.normPartials[unit] = forEachSegment(of: values, penalty: penalty) { segment, factor in
                    factor == nil ? (SIMD16<Float>(), 0) : squares(parameters, segment)
                }
            }
        }
        return penalty.total(units: unitCount(count))
    }

    /// Calls `body(segment, factor)` for the pieces of `values` inside and outside the penalty's ranges (factor
    /// `2 lam` inside, `nil` outside) in order; each returns its squares (16 lanes and a scalar tail), added
    /// into the unit's norm: lanes in order, then the tails.
    static func forEachSegment(
        of values: Range<Int>, penalty: L2Penalty?, _ body: (Range<Int>, Float?) -> (SIMD16<Float>, Float)
    ) -> Float {
        guard let penalty else {
            _ = body(values, nil)
            return 0
        }
        var lanes = SIMD16<Float>()
        var tail: Float = 0
        var position = values.lowerBound
        for range in penalty.ranges where range.upperBound > position && range.lowerBound < values.upperBound {
            if range.lowerBound > position { _ = body(position..<range.lowerBound, nil) }
            let inside = max(position, range.lowerBound)..<min(values.upperBound, range.upperBound)
            let (segmentLanes, segmentTail) = body(inside, penalty.factor)
            lanes += segmentLanes
            tail += segmentTail
            position = inside.upperBound
        }
        if position < values.upperBound { _ = body(position..<values.upperBound, nil) }
        var sum: Float = 0
        for lane in 0..<16 { sum += lanes[lane] }
        return sum + tail
    }

    /// The squares of `values[range]`: 16 lanes over the whole groups of 16, a scalar sum over the rest.
    static func squares(_ values: UnsafePointer<Float>, _ range: Range<Int>) -> (SIMD16<Float>, Float) {
        var lanes = SIMD16<Float>()
        var index = range.lowerBound
        while index + 16 <= range.upperBound {
            let value = UnsafeRawPointer(values + index).loadUnaligned(as: SIMD16<Float>.self)
            lanes += value * value
            index += 16
        }
        var tail: Float = 0
        while index < range.upperBound {
            tail += values[index] * values[index]
            index += 1
        }
        return (lanes, tail)
    }
}

/// The L2 penalty `lam * sum(W^2)` on some ranges of a flat parameter buffer (the kernels), applied inside the
/// Adam pass instead of in the gradients: each gradient there gains `2 lam p` after the loss scale is undone,
/// and the pass takes `sum p^2` of the values it reads, as float sums per unit of ``AdamKernel/unit`` values
/// (16 lanes, then a tail) added in order in Double: the same bits for any thread count.
package struct L2Penalty: @unchecked Sendable {
    // @unchecked Sendable: `normPartials` is written by the units of one pass (disjoint slots), read after it.
    /// Ascending, disjoint ranges of the flat buffer that carry the penalty.
    package let ranges: [Range<Int>]
    /// `2 lam`: the penalty's gradient is `factor * p`.
    package let factor: Float
    /// One float per unit (``AdamKernel/unitCount(_:)`` of the buffer's count): the pass's scratch space.
    package let normPartials: UnsafeMutablePointer<Float>

    /// The penalty `lam` on `ranges` (ascending, disjoint), with scratch space for the norm's partial sums.
    package init(lam: Double, ranges: [Range<Int>], normPartials: UnsafeMutablePointer<Float>) {
        precondition(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound <= $1.lowerBound })
        self.ranges = ranges
        factor = Float(2 * lam)
        self.normPartials = normPartials
    }

    /// The partial sums of `units` units added in order.
    func total(units: Int) -> Double {
        var sum = 0.0
        for unit in 0..<units { sum += Double(normPartials[unit]) }
        return sum
    }
}

/// The flat buffers of one Adam update.
struct AdamBuffers {
    let parameters: UnsafeMutablePointer<Float>
    let gradients: UnsafePointer<Float>
    let firstMoments: UnsafeMutablePointer<Float>
    let secondMoments: UnsafeMutablePointer<Float>
}

/// The constants of one Adam step, in float, and the loop that applies it.
struct AdamConstants {
    let rate: Float
    let beta1: Float
    let beta2: Float
    let oneMinusBeta1: Float
    let oneMinusBeta2: Float
    let epsilon: Float
    let gradientScale: Float

    /// Updates the values `range` of `buffers`, 16 at a time, then one by one; with `penaltyFactor`, each
    /// gradient gains `penaltyFactor * p` and the squares of the values read are returned (lanes, tail).
    func apply(to buffers: AdamBuffers, range: Range<Int>, penaltyFactor: Float?) -> (SIMD16<Float>, Float) {
        typealias V = VectorMath.Vector
        let (parameters, gradients) = (buffers.parameters, buffers.gradients)
        let (firstMoments, secondMoments) = (buffers.firstMoments, buffers.secondMoments)
        let (unscale, rates, epsilons) = (V(repeating: gradientScale), V(repeating: rate), V(repeating: epsilon))
        let (b1, b2) = (V(repeating: beta1), V(repeating: beta2))
        let (oneMinusB1, oneMinusB2) = (V(repeating: oneMinusBeta1), V(repeating: oneMinusBeta2))
        let factor = penaltyFactor ?? 0
        let factors = V(repeating: factor)
        var lanes = V()
        var index = range.lowerBound
        while index + 16 <= range.upperBound {
            let old = UnsafeRawPointer(parameters + index).loadUnaligned(as: V.self)
            var g = UnsafeRawPointer(gradients + index).loadUnaligned(as: V.self) * unscale
            if penaltyFactor != nil {
                g += factors * old
                lanes += old * old
            }
            let m = b1 * UnsafeRawPointer(firstMoments + index).loadUnaligned(as: V.self) + oneMinusB1 * g
            let v = b2 * UnsafeRawPointer(secondMoments + index).loadUnaligned(as: V.self) + oneMinusB2 * (g * g)
            UnsafeMutableRawPointer(firstMoments + index).storeBytes(of: m, as: V.self)
            UnsafeMutableRawPointer(secondMoments + index).storeBytes(of: v, as: V.self)
            UnsafeMutableRawPointer(parameters + index).storeBytes(
                of: old - rates * m / (v.squareRoot() + epsilons), as: V.self)
            index += 16
        }
        var tail: Float = 0
        while index < range.upperBound {
            let old = parameters[index]
            var g = gradients[index] * gradientScale
            if penaltyFactor != nil {
                g += factor * old
                tail += old * old
            }
            let m = beta1 * firstMoments[index] + oneMinusBeta1 * g
            let v = beta2 * secondMoments[index] + oneMinusBeta2 * (g * g)
            firstMoments[index] = m
            secondMoments[index] = v
            parameters[index] = old - rate * m / (v.squareRoot() + epsilon)
            index += 1
        }
        return (lanes, tail)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
