import Foundation
import VAECFCompute
import VAECFCore

/// How ``CollaborativeFilter/fit(_:options:progress:)`` trains: the model kind, every hyperparameter, the
/// validation users that pick the best epoch, threads and precision.
public struct FitOptions: Sendable, Equatable {
    /// The model kind (Mult-VAE by default).
    public var model: ModelKind = .multvae
    /// Optimization and annealing settings (``TrainingConfiguration``, the paper preset by default); its
    /// `seed` drives every random choice of the fit, including which users validate.
    public var training = TrainingConfiguration(preset: .paper)
    /// Encoder widths after the input, latent size last (`[600, 200]` in the paper); autoencoders only.
    public var encoderDimensions = [600, 200]
    /// Hidden-layer activation.
    public var activation: Activation = .tanh
    /// Probability that an input entry is kept by dropout (0.5 in the paper).
    public var keepProbability = 0.5
    /// EASE's L2 weight.
    public var easeLambda = 500.0
    /// RecVAE's own settings (hidden layers, gamma, encoder and decoder passes per epoch).
    public var recVAE = RecVAESettings()
    /// Users held out to choose the best epoch (each with at least 5 items gets a random 20% of them to rank,
    /// the rest as input). 0: every user trains and the last epoch is kept.
    public var validationUsers = 0
    /// Rows whose weight is below this do not count.
    public var minimumWeight: Float = 1
    /// Worker threads (`nil`: `VAECF_THREADS` or all cores).
    public var threads: Int?
    /// Precision of the dense products (`ComputePrecision`).
    public var precision: ComputePrecision = .float32
    /// Loss scaling (``LossScaling``); `nil`: dynamic with bfloat16, none with float32.
    public var lossScaling: LossScaling?
    /// Whether the model keeps its training users' items, so that they can be asked for by id (and their
    /// items excluded) after ``CollaborativeFilter/save(to:)`` and ``CollaborativeFilter/load(from:threads:precision:)``.
    public var keepsTrainingUsers = true

    /// The settings of `preset` (by default the model's own: `recvae` for RecVAE, the paper's otherwise) with
    /// `seed`.
    public init(model: ModelKind = .multvae, preset: TrainingConfiguration.Preset? = nil, seed: UInt64 = 0) {
        self.model = model
        training = TrainingConfiguration(preset: preset ?? .defaultPreset(for: model), seed: seed)
    }

    var threadCount: Int { max(1, threads ?? ParallelExecutor.defaultThreadCount) }

    /// The same settings as the CLI's run configuration (`vaecf train --config`).
    var runConfiguration: RunConfiguration {
        RunConfiguration(
            model: model, encoderDimensions: encoderDimensions, activation: activation,
            keepProbability: keepProbability, training: training, easeLambda: easeLambda, recVAE: recVAE)
    }

    /// The autoencoder's shape for `itemCount` items.
    func network(itemCount: Int) -> MultVAEConfiguration { runConfiguration.network(itemCount: itemCount) }
}

/// What a fit reports as it goes.
public struct FitProgress: Sendable {
    /// 0-based epoch just finished.
    public var epoch: Int
    /// Epochs of the fit.
    public var epochs: Int
    /// Mean loss terms of the epoch.
    public var loss: LossBreakdown
    /// Validation metrics after the epoch (when validated).
    public var validation: RankingMetrics?
    /// Whether `validation` is the best so far (its weights are the ones kept).
    public var isBest: Bool
    /// Seconds since the fit started.
    public var elapsedSeconds: Double
    /// Estimate of the seconds left.
    public var remainingSeconds: Double
}

/// Why a fit, a query or a file operation of ``CollaborativeFilter`` failed.
public enum CollaborativeFilterError: Error, Equatable, LocalizedError, CustomStringConvertible {
    /// No user has an interaction that counts (weight at least ``FitOptions/minimumWeight``).
    case noInteractions
    /// More validation users were asked for than leave a user to train on.
    case tooFewUsers(users: Int, validationUsers: Int)
    /// A setting cannot be used: the option, its value and the accepted range, e.g.
    /// `keep-probability is 0.0, it must be in (0, 1]`.
    case invalidOption(String)
    /// ``FitOptions/validationUsers`` is negative.
    case negativeValidationUsers(Int)
    /// The fit was cancelled (its task was cancelled).
    case cancelled
    /// The precision needs instructions this CPU lacks.
    case unsupportedPrecision(ComputePrecisionError)
    /// The loss became NaN or infinite at a step (0-based epoch); a lower learning rate usually helps.
    case diverged(epoch: Int, step: Int, loss: Double)
    /// EASE's `items x items` matrices do not fit in the memory available.
    case insufficientMemory(itemCount: Int, neededBytes: Int, availableBytes: Int)
    /// EASE's Gram matrix plus lambda could not be inverted (the solver's message).
    case notInvertible(String)

    /// The text for logs, messages and errors.
    public var description: String {
        switch self {
        case .noInteractions: "no interaction counts: every row's weight is below the minimum weight"
        case .tooFewUsers(let users, let validation):
            "\(users) users cannot give \(validation) validation users and at least one training user"
        case .invalidOption(let reason): "invalid option: \(reason)"
        case .negativeValidationUsers(let count): "validation users must not be negative, got \(count)"
        case .cancelled: "the fit was cancelled"
        case .unsupportedPrecision(let error): error.description
        case .diverged(let epoch, let step, let loss):
            "the loss became \(loss) at epoch \(epoch + 1), step \(step); lower the learning rate or check the data"
        case .insufficientMemory(let items, let needed, let available):
            "EASE with \(items) items needs \(needed) bytes of memory (\(items) x \(items) float matrices), "
                + "\(available) are available"
        case .notInvertible(let reason): "EASE cannot invert X^T X + lambda I: \(reason)"
        }
    }

    /// The same text as `description`.
    public var errorDescription: String? { description }
}
