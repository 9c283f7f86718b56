import VAECFCore

/// The Adam update in the reference's (TensorFlow 1) form, over flat parameter, gradient and moment buffers:
/// `m = b1 m + (1 - b1) g`, `v = b2 v + (1 - b2) g^2`,
/// `p -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + epsilon)`.
package enum AdamKernel {
    /// Values updated before their bfloat16 copy is written (32 KB of parameters: still in L1 when rounded).
    package static let copyBlock = 8192

    /// Updates `parameters[0 ..< count]` in place, in parallel chunks of SIMD loops.
    /// - Parameters:
    ///   - step: the 1-based step number `t`.
    ///   - gradientScale: each gradient is multiplied by it as it is read (`1 / S` undoes a loss scale `S`).
    ///   - bfloat16Copy: when given, `bfloat16Copy[i]` receives the bits of the updated `parameters[i]` rounded
    ///     to bfloat16 (ties to even) in the same pass, block by block while the values are in cache: the copy
    ///     that the bfloat16 products read (needs AVX512-BF16).
    package static func update(
        parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>,
        firstMoments: UnsafeMutablePointer<Float>, secondMoments: UnsafeMutablePointer<Float>, count: Int,
        learningRate: Double, beta1: Double, beta2: Double, epsilon: Double, step: Int,
        gradientScale: Float = 1, bfloat16Copy: UnsafeMutablePointer<UInt16>? = nil, executor: ParallelExecutor
    ) {
        let correction = learningRate * (1 - pow(beta2, Double(step))).squareRoot() / (1 - pow(beta1, Double(step)))
        let constants = AdamConstants(
            rate: Float(correction), beta1: Float(beta1), beta2: Float(beta2), oneMinusBeta1: Float(1 - beta1),
            oneMinusBeta2: Float(1 - beta2), epsilon: Float(epsilon), gradientScale: gradientScale)
        let buffers = AdamBuffers(
            parameters: parameters, gradients: gradients, firstMoments: firstMoments, secondMoments: secondMoments)
        executor.forEachChunk(count: count, minimumChunk: 1 << 16) { _, range in
            guard let bfloat16Copy else {
                constants.apply(to: buffers, range: range)
                return
            }
            // Blocks are multiples of 16 values: the SIMD loop covers the same values as without a copy.
            var start = range.lowerBound
            while start < range.upperBound {
                let end = min(range.upperBound, start + copyBlock)
                constants.apply(to: buffers, range: start..<end)
                BFloat16Products.round(parameters + start, count: end - start, into: bfloat16Copy + start)
                start = end
            }
        }
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

    /// Updates the values `range` of `buffers`: 16 at a time, then one by one.
    func apply(to buffers: AdamBuffers, range: Range<Int>) {
        typealias V = VectorMath.Vector
        let (parameters, gradients) = (buffers.parameters, buffers.gradients)
        let (firstMoments, secondMoments) = (buffers.firstMoments, buffers.secondMoments)
        let unscale = V(repeating: gradientScale)
        let rates = V(repeating: rate)
        let b1 = V(repeating: beta1)
        let b2 = V(repeating: beta2)
        let oneMinusB1 = V(repeating: oneMinusBeta1)
        let oneMinusB2 = V(repeating: oneMinusBeta2)
        let epsilons = V(repeating: epsilon)
        var index = range.lowerBound
        while index + 16 <= range.upperBound {
            let g = UnsafeRawPointer(gradients + index).loadUnaligned(as: V.self) * unscale
            let m = b1 * UnsafeRawPointer(firstMoments + index).loadUnaligned(as: V.self) + oneMinusB1 * g
            let v = b2 * UnsafeRawPointer(secondMoments + index).loadUnaligned(as: V.self) + oneMinusB2 * (g * g)
            let p =
                UnsafeRawPointer(parameters + index).loadUnaligned(as: V.self) - rates * m / (v.squareRoot() + epsilons)
            UnsafeMutableRawPointer(firstMoments + index).storeBytes(of: m, as: V.self)
            UnsafeMutableRawPointer(secondMoments + index).storeBytes(of: v, as: V.self)
            UnsafeMutableRawPointer(parameters + index).storeBytes(of: p, as: V.self)
            index += 16
        }
        while index < range.upperBound {
            let g = gradients[index] * gradientScale
            let m = beta1 * firstMoments[index] + oneMinusBeta1 * g
            let v = beta2 * secondMoments[index] + oneMinusBeta2 * (g * g)
            firstMoments[index] = m
            secondMoments[index] = v
            parameters[index] -= rate * m / (v.squareRoot() + epsilon)
            index += 1
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
