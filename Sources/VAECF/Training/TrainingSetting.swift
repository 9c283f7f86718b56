import VAECFCompute

/// One setting of a training run, named as `train` spells its option, and whether a resumed run may
/// change it.
package enum TrainingSetting: String, CaseIterable, Sendable {
    case epochs
    case batchSizeTrain = "batch-size-train"
    case batchSizeValidation = "batch-size-validation"
    case validationStep = "validation-step"
    case totalAnnealSteps = "total-anneal-steps"
    case annealCap = "anneal-cap"
    case lam, lr, beta1, beta2, epsilon
    case topResults = "top-results"
    case dropLastPartialBatch = "drop-last-partial-batch"
    case seed
    case encoderDimensions = "encoder-dims"
    case activation
    case keepProbability = "keep-probability"
    /// The model kind (`--model`): Mult-VAE, Mult-DAE or RecVAE.
    case model
    /// RecVAE's KL weight per interaction (`--gamma`); `-` for the other models.
    case gamma

    /// Whether a resumed run may change it. The number of epochs and when and how validation runs may
    /// change; everything that shapes the model or what an update computes (architecture, dropout, the
    /// optimizer, the KL annealing, the batches, the seed) and the measure that picks the best model
    /// (`top-results`) may not: a run continued with them changed would be neither the old run nor a new one.
    package var isAdjustableOnResume: Bool {
        switch self {
        case .epochs, .batchSizeValidation, .validationStep: true
        default: false
        }
    }

    /// Its value in a run's configuration, as text (`0.001`, `600,200`, `tanh`).
    package func value(model: MultVAEConfiguration, training: TrainingConfiguration) -> String {
        switch self {
        case .epochs: "\(training.epochs)"
        case .batchSizeTrain: "\(training.batchSizeTrain)"
        case .batchSizeValidation: "\(training.batchSizeValidation)"
        case .validationStep: "\(training.validationStep)"
        case .totalAnnealSteps: "\(training.totalAnnealSteps)"
        case .annealCap: "\(training.annealCap)"
        case .lam: "\(training.lam)"
        case .lr: "\(training.learningRate)"
        case .beta1: "\(training.beta1)"
        case .beta2: "\(training.beta2)"
        case .epsilon: "\(training.epsilon)"
        case .topResults: "\(training.topResults)"
        case .dropLastPartialBatch: "\(training.dropLastPartialBatch)"
        case .seed: "\(training.seed)"
        case .encoderDimensions: model.encoderDimensions.map(String.init).joined(separator: ",")
        case .activation: model.activation.rawValue
        case .keepProbability: "\(model.keepProbability)"
        case .model: ModelKind(configuration: model).rawValue
        case .gamma: model.recVAE.map { "\($0.gamma)" } ?? "-"
        }
    }

    /// `configuration` with this (adjustable) setting taken from `source`.
    func copy(from source: TrainingConfiguration, into configuration: inout TrainingConfiguration) {
        switch self {
        case .epochs: configuration.epochs = source.epochs
        case .batchSizeValidation: configuration.batchSizeValidation = source.batchSizeValidation
        case .validationStep: configuration.validationStep = source.validationStep
        default: preconditionFailure("\(rawValue) cannot change when resuming")
        }
    }
}
