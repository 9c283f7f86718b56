import Foundation

/// RecVAE's composite prior, per latent coordinate (the reference's `CompositePrior.forward`):
///
///     log p(z) = logsumexp( log N(z; 0, 1) + log(3/20),
///                           log N(z; mu_old, exp(logvar_old)) + log(3/4),
///                           log N(z; 0, exp(10)) + log(1/10) )
///
/// where `mu_old`, `logvar_old` are the posterior of the frozen copy of the encoder on the user's row. Computed
/// in Double, as is the rest of the KL term.
package enum CompositePrior {
    /// The mixture weights of the standard, previous-posterior and wide components.
    package static let weights: (standard: Double, previous: Double, wide: Double) = (3.0 / 20, 3.0 / 4, 1.0 / 10)
    /// The wide component's log-variance.
    package static let wideLogVariance = 10.0

    static let halfLogTwoPi = 0.5 * Foundation.log(2 * Double.pi)
    static let logWeights = (
        Foundation.log(weights.standard), Foundation.log(weights.previous), Foundation.log(weights.wide)
    )
    static let wideInverseVariance = Foundation.exp(-wideLogVariance)

    /// `log p(z)` and its derivative with respect to `z`.
    package static func logDensity(
        _ z: Double, previousMean: Double, previousLogVariance: Double
    ) -> (value: Double, derivative: Double) {
        let previousInverseVariance = Foundation.exp(-previousLogVariance)
        let deviation = z - previousMean
        let standard = logWeights.0 - halfLogTwoPi - 0.5 * z * z
        let previous =
            logWeights.1 - halfLogTwoPi - 0.5 * (previousLogVariance + deviation * deviation * previousInverseVariance)
        let wide = logWeights.2 - halfLogTwoPi - 0.5 * (wideLogVariance + z * z * wideInverseVariance)
        let largest = max(standard, previous, wide)
        let (a, b, c) = (
            Foundation.exp(standard - largest), Foundation.exp(previous - largest), Foundation.exp(wide - largest)
        )
        let sum = a + b + c
        let derivative = -(a * z + b * deviation * previousInverseVariance + c * z * wideInverseVariance) / sum
        return (largest + Foundation.log(sum), derivative)
    }

    /// `log N(z; mu, exp(logvar))` (the posterior's log-density, `log q(z|x)` per coordinate).
    package static func logNormal(_ z: Double, mean: Double, logVariance: Double) -> Double {
        let deviation = z - mean
        return -0.5 * (logVariance + 2 * halfLogTwoPi + deviation * deviation * Foundation.exp(-logVariance))
    }
}
