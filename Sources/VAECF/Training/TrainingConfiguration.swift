/// The hyperparameters of a training run, named after the reference's options.
public struct TrainingConfiguration: Sendable, Codable, Equatable {
    /// Named presets of the reference implementations.
    public enum Preset: String, Sendable, Codable, CaseIterable {
        /// The original Mult-VAE paper: batch 500, lr 1e-3, betas 0.9 / 0.999, lam 0.01, anneal over 200000 steps
        /// to 0.2, 200 epochs, validation every epoch, last partial batch kept.
        case paper
        /// NVIDIA's VAE-CF: global batch 24576, lr 0.004, betas 0.9 / 0.9, lam 0.01, anneal over 15000 steps to
        /// 0.1, 400 epochs, validation every 50 epochs, each epoch cropped to whole batches.
        case nvidia
        /// RecVAE's reference (`run.py` with the README's ML-20M command): batch 500, Adam lr 5e-4, betas
        /// 0.9 / 0.999, 50 epochs (each 3 encoder passes and 1 decoder pass), validation every epoch, no L2
        /// (lam 0) and no annealing (the KL weight is gamma per interaction).
        case recvae

        /// The preset a model starts from: `recvae` for RecVAE, `paper` for the others.
        public static func defaultPreset(for model: ModelKind) -> Preset { model == .recvae ? .recvae : .paper }
    }

    /// Epochs (passes over the training users).
    public var epochs: Int
    /// Users per update.
    public var batchSizeTrain: Int
    /// Users scored at a time in validation.
    public var batchSizeValidation: Int
    /// Validate every this many epochs (and after the last one).
    public var validationStep: Int
    /// Updates over which the KL weight grows linearly to `annealCap` (0: `annealCap` from the start).
    public var totalAnnealSteps: Int
    /// The largest KL weight.
    public var annealCap: Double
    /// L2 weight on the kernels (the penalty is `lam * sum(W^2)`).
    public var lam: Double
    /// Adam's learning rate.
    public var learningRate: Double
    /// Adam's first-moment decay.
    public var beta1: Double
    /// Adam's second-moment decay.
    public var beta2: Double
    /// Adam's epsilon (TF1 form: added to `sqrt(v)`).
    public var epsilon: Double
    /// K of the NDCG@K used to pick the best validation model (100 in the reference).
    public var topResults: Int
    /// Whether each epoch uses only the largest multiple of the batch size of the shuffled users.
    public var dropLastPartialBatch: Bool
    /// The seed of every random choice of the run.
    public var seed: UInt64

    /// The values of `preset`.
    public init(preset: Preset, seed: UInt64 = 0) {
        switch preset {
        case .paper:
            epochs = 200
            batchSizeTrain = 500
            batchSizeValidation = 2000
            validationStep = 1
            totalAnnealSteps = 200_000
            annealCap = 0.2
            lam = 0.01
            learningRate = 1e-3
            beta1 = 0.9
            beta2 = 0.999
            dropLastPartialBatch = false
        case .nvidia:
            epochs = 400
            batchSizeTrain = 24576
            batchSizeValidation = 10000
            validationStep = 50
            totalAnnealSteps = 15000
            annealCap = 0.1
            lam = 0.01
            learningRate = 0.004
            beta1 = 0.9
            beta2 = 0.9
            dropLastPartialBatch = true
        case .recvae:
            epochs = 50
            batchSizeTrain = 500
            batchSizeValidation = 2000
            validationStep = 1
            totalAnnealSteps = 0
            annealCap = 0
            lam = 0
            learningRate = 5e-4
            beta1 = 0.9
            beta2 = 0.999
            dropLastPartialBatch = false
        }
        epsilon = 1e-8
        topResults = 100
        self.seed = seed
    }

    /// The first value a run cannot use (a count below 1, a rate that is not positive, a beta outside [0, 1),
    /// a negative or non-finite weight), described; `nil` when every value is usable. Files are checked with it:
    /// a checkpoint's settings are data, not trusted.
    public var invalidSetting: String? {
        let counts = [
            ("epochs", epochs), ("batch-size-train", batchSizeTrain),
            ("batch-size-validation", batchSizeValidation), ("validation-step", validationStep),
            ("top-results", topResults),
        ]
        if let bad = counts.first(where: { $0.1 < 1 }) { return "\(bad.0) is \(bad.1), at least 1 is needed" }
        if totalAnnealSteps < 0 { return "total-anneal-steps is negative (\(totalAnnealSteps))" }
        if !(learningRate > 0 && learningRate.isFinite) { return "lr is \(learningRate), a positive number is needed" }
        if !(epsilon > 0 && epsilon.isFinite) { return "epsilon is \(epsilon), a positive number is needed" }
        for (name, value) in [("beta1", beta1), ("beta2", beta2)] where !(value >= 0 && value < 1) {
            return "\(name) is \(value), it must be in [0, 1)"
        }
        for (name, value) in [("lam", lam), ("anneal-cap", annealCap)] where !(value >= 0 && value.isFinite) {
            return "\(name) is \(value), a finite number >= 0 is needed"
        }
        return nil
    }

    /// The KL weight at a 0-based update count: `min(step / totalAnnealSteps, annealCap)`.
    public func anneal(atStep step: Int) -> Double {
        guard totalAnnealSteps > 0 else { return annealCap }
        return min(annealCap, Double(step) / Double(totalAnnealSteps))
    }

    /// Number of updates in one epoch over `userCount` training users.
    public func stepsPerEpoch(userCount: Int) -> Int {
        dropLastPartialBatch ? userCount / batchSizeTrain : (userCount + batchSizeTrain - 1) / batchSizeTrain
    }
}
