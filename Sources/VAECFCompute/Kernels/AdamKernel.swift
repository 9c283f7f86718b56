import VAECFCore

/// The Adam update in the reference's (TensorFlow 1) form, over flat parameter, gradient and moment buffers:
/// `m = b1 m + (1 - b1) g`, `v = b2 v + (1 - b2) g^2`,
/// `p -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + epsilon)`.
package enum AdamKernel {
    /// Updates `parameters[0 ..< count]` in place, in parallel chunks of SIMD loops.
    /// - Parameters:
    ///   - step: the 1-based step number `t`.
    ///   - gradientScale: each gradient is multiplied by it as it is read (`1 / S` undoes a loss scale `S`).
    package static func update(
        parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>,
        firstMoments: UnsafeMutablePointer<Float>, secondMoments: UnsafeMutablePointer<Float>, count: Int,
        learningRate: Double, beta1: Double, beta2: Double, epsilon: Double, step: Int,
        gradientScale: Float = 1, executor: ParallelExecutor
    ) {
        let unscale = VectorMath.Vector(repeating: gradientScale)
        let correction = learningRate * (1 - pow(beta2, Double(step))).squareRoot() / (1 - pow(beta1, Double(step)))
        let rate = VectorMath.Vector(repeating: Float(correction))
        let b1 = VectorMath.Vector(repeating: Float(beta1))
        let b2 = VectorMath.Vector(repeating: Float(beta2))
        let oneMinusB1 = VectorMath.Vector(repeating: Float(1 - beta1))
        let oneMinusB2 = VectorMath.Vector(repeating: Float(1 - beta2))
        let eps = VectorMath.Vector(repeating: Float(epsilon))
        typealias V = VectorMath.Vector
        executor.forEachChunk(count: count, minimumChunk: 1 << 16) { _, range in
            var index = range.lowerBound
            while index + 16 <= range.upperBound {
                let g = UnsafeRawPointer(gradients + index).loadUnaligned(as: V.self) * unscale
                let m = b1 * UnsafeRawPointer(firstMoments + index).loadUnaligned(as: V.self) + oneMinusB1 * g
                let v = b2 * UnsafeRawPointer(secondMoments + index).loadUnaligned(as: V.self) + oneMinusB2 * (g * g)
                let p =
                    UnsafeRawPointer(parameters + index).loadUnaligned(as: V.self) - rate * m / (v.squareRoot() + eps)
                UnsafeMutableRawPointer(firstMoments + index).storeBytes(of: m, as: V.self)
                UnsafeMutableRawPointer(secondMoments + index).storeBytes(of: v, as: V.self)
                UnsafeMutableRawPointer(parameters + index).storeBytes(of: p, as: V.self)
                index += 16
            }
            while index < range.upperBound {
                let g = gradients[index] * gradientScale
                let m = Float(beta1) * firstMoments[index] + Float(1 - beta1) * g
                let v = Float(beta2) * secondMoments[index] + Float(1 - beta2) * (g * g)
                firstMoments[index] = m
                secondMoments[index] = v
                parameters[index] -= Float(correction) * m / (v.squareRoot() + Float(epsilon))
                index += 1
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
