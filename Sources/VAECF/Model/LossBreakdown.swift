/// The terms of the Mult-VAE objective for one batch:
/// `loss = negativeLogLikelihood + anneal * kullbackLeibler + lam * (sum of squared kernel weights)`.
public struct LossBreakdown: Sendable, Equatable, Codable {
    /// Multinomial negative log-likelihood, summed over each user's items, averaged over the batch.
    public var negativeLogLikelihood: Double
    /// KL divergence of the approximate posterior from the standard normal, averaged over the batch.
    public var kullbackLeibler: Double
    /// The KL weight used.
    public var anneal: Double
    /// The L2 penalty `lam * sum of squared kernels`.
    public var regularization: Double

    /// The terms of one objective value.
    public init(negativeLogLikelihood: Double, kullbackLeibler: Double, anneal: Double, regularization: Double) {
        self.negativeLogLikelihood = negativeLogLikelihood
        self.kullbackLeibler = kullbackLeibler
        self.anneal = anneal
        self.regularization = regularization
    }

    /// The whole objective.
    public var total: Double { negativeLogLikelihood + anneal * kullbackLeibler + regularization }
}
