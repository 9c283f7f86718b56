import VAECFCompute

/// Everything that defines a training run except the data: the model kind, the network's shape and dropout,
/// the training settings and EASE's lambda. `vaecf tune` writes the one it chooses as a configuration file
/// (``RunConfigurationFile``) and `vaecf train --config FILE` reads it back.
package struct RunConfiguration: Sendable, Equatable, Codable {
    package var model: ModelKind
    /// Encoder widths after the input (the last is the latent size).
    package var encoderDimensions: [Int]
    package var activation: Activation
    /// Probability that an input entry is kept by dropout in training.
    package var keepProbability: Double
    package var training: TrainingConfiguration
    /// EASE's L2 weight lambda.
    package var easeLambda: Double
    /// RecVAE's settings (``RecVAESettings``; nil: the reference's). Used only for `recvae`.
    package var recVAE: RecVAESettings?

    /// The paper's settings for `model`.
    package init(
        model: ModelKind, encoderDimensions: [Int] = [600, 200], activation: Activation = .tanh,
        keepProbability: Double = 0.5, training: TrainingConfiguration? = nil, easeLambda: Double = 500,
        recVAE: RecVAESettings? = nil
    ) {
        self.model = model
        self.encoderDimensions = encoderDimensions
        self.activation = activation
        self.keepProbability = keepProbability
        self.training = training ?? TrainingConfiguration(preset: .defaultPreset(for: model))
        self.easeLambda = easeLambda
        self.recVAE = recVAE
    }

    /// RecVAE's settings for this run: the given ones or the reference's.
    package var resolvedRecVAE: RecVAESettings { recVAE ?? RecVAESettings() }

    /// The autoencoder network for a dataset of `itemCount` items (Mult-DAE unless `model` is Mult-VAE or
    /// RecVAE).
    package func network(itemCount: Int) -> MultVAEConfiguration {
        if model == .recvae {
            return MultVAEConfiguration(
                itemCount: itemCount, encoderDimensions: encoderDimensions, keepProbability: keepProbability,
                recVAE: resolvedRecVAE)
        }
        return MultVAEConfiguration(
            itemCount: itemCount, encoderDimensions: encoderDimensions, activation: activation,
            keepProbability: keepProbability, variational: model != .multdae)
    }

    /// The first value a run cannot use, described (see ``TrainingConfiguration/invalidSetting``); nil when
    /// every value is usable.
    package var invalidSetting: String? {
        if encoderDimensions.isEmpty || encoderDimensions.contains(where: { $0 < 1 }) {
            return "encoder-dims must be positive integers, got \(encoderDimensions)"
        }
        if !(keepProbability > 0 && keepProbability <= 1) {
            return "keep-probability is \(keepProbability), it must be in (0, 1]"
        }
        if !(easeLambda > 0 && easeLambda.isFinite) {
            return "ease-lambda is \(easeLambda), a positive number is needed"
        }
        if model == .recvae {
            if encoderDimensions.count != 2 {
                return
                    "a RecVAE's encoder-dims are its hidden width and latent size (like 600,200), got \(encoderDimensions)"
            }
            if let problem = resolvedRecVAE.invalidSetting { return problem }
        }
        return training.invalidSetting
    }

    /// The value of a setting as ``TrainingSetting`` spells it (`0.001`, `600,200`), or `ease-lambda`'s.
    package func value(of key: String) -> String? {
        if key == Self.easeLambdaKey { return "\(easeLambda)" }
        guard let setting = TrainingSetting(rawValue: key) else { return nil }
        if setting == .model { return model.rawValue }
        return setting.value(model: network(itemCount: 1), training: training)
    }

    /// The name of EASE's lambda among the settings.
    package static let easeLambdaKey = "ease-lambda"
}
