import ArgumentParser
import Foundation
import VAECF
import VAECFCompute

extension TrainingConfiguration.Preset: ExpressibleByArgument {}
extension Activation: ExpressibleByArgument {}

/// The model and optimization options of `train`, `demo` and `benchmark train`, named after the reference's
/// options. Every value defaults to the chosen preset's.
struct TrainingOptions: ParsableArguments {
    @Option(
        name: .customLong("preset"),
        help:
            "Hyperparameter preset: paper (original Mult-VAE), nvidia (NVIDIA VAE-CF) or recvae (RecVAE's reference). (default: recvae for --model recvae, else paper)"
    )
    var presetArgument: TrainingConfiguration.Preset?
    @Option(help: "Training epochs.") var epochs: Int?
    @Option(name: .customLong("batch-size-train"), help: "Users per update (global batch).") var batchSizeTrain: Int?
    @Option(name: .customLong("batch-size-validation"), help: "Users scored at a time in validation.")
    var batchSizeValidation: Int?
    @Option(name: .customLong("validation-step"), help: "Validate every N epochs.") var validationStep: Int?
    @Option(name: .customLong("total-anneal-steps"), help: "Updates over which the KL weight grows to its cap.")
    var totalAnnealSteps: Int?
    @Option(name: .customLong("anneal-cap"), help: "Largest KL weight.") var annealCap: Double?
    @Option(help: "L2 weight on the kernels (penalty lam * sum(W^2)).") var lam: Double?
    @Option(help: "Adam learning rate.") var lr: Double?
    @Option(help: "Adam beta1.") var beta1: Double?
    @Option(help: "Adam beta2.") var beta2: Double?
    @Option(name: .customLong("top-results"), help: "K of the validation NDCG@K that picks the best model.")
    var topResults: Int?
    @Option(name: .customLong("activation"), help: "Hidden activation. (default: tanh)")
    var activationArgument: Activation?
    @Option(
        name: .customLong("encoder-dims"),
        help: "Encoder widths after the input, comma separated (last = latent size). (default: 600,200)")
    var encoderDimensionsArgument: String?
    @Option(
        name: .customLong("keep-probability"),
        help: "Probability that dropout keeps an input entry in training (1: no dropout). (default: 0.5)")
    var keepProbability: Double?
    @Option(help: "RecVAE: KL weight per interaction of the user (--model recvae). (default: 0.005)") var gamma: Double?
    @Option(
        name: .customLong("seed"),
        help: "Seed of every random choice in training (initialization, shuffling, dropout, noise). (default: 0)")
    var seedArgument: UInt64?

    var preset: TrainingConfiguration.Preset { presetArgument ?? .paper }
    var activation: Activation { activationArgument ?? .tanh }
    var encoderDimensions: String { encoderDimensionsArgument ?? "600,200" }
    var seed: UInt64 { seedArgument ?? 0 }

    /// The settings given on the command line. `--preset` gives the training settings it sets that a resumed
    /// run cannot change (so they are checked against the checkpoint), not the adjustable ones: `--epochs`
    /// changes only when given itself.
    var givenSettings: Set<TrainingSetting> {
        var given = Set<TrainingSetting>()
        if presetArgument != nil {
            given.formUnion(
                TrainingSetting.allCases.filter {
                    !$0.isAdjustableOnResume
                        && ![.seed, .encoderDimensions, .activation, .keepProbability, .model, .gamma].contains($0)
                })
        }
        let options: [(TrainingSetting, Bool)] = [
            (.epochs, epochs != nil), (.batchSizeTrain, batchSizeTrain != nil),
            (.batchSizeValidation, batchSizeValidation != nil), (.validationStep, validationStep != nil),
            (.totalAnnealSteps, totalAnnealSteps != nil), (.annealCap, annealCap != nil), (.lam, lam != nil),
            (.lr, lr != nil), (.beta1, beta1 != nil), (.beta2, beta2 != nil), (.topResults, topResults != nil),
            (.activation, activationArgument != nil), (.encoderDimensions, encoderDimensionsArgument != nil),
            (.seed, seedArgument != nil), (.keepProbability, keepProbability != nil), (.gamma, gamma != nil),
        ]
        given.formUnion(options.filter(\.1).map(\.0))
        return given
    }

    func validate() throws {
        _ = try parsedEncoderDimensions()
        for (name, value) in [
            ("--epochs", epochs), ("--batch-size-train", batchSizeTrain),
            ("--batch-size-validation", batchSizeValidation), ("--validation-step", validationStep),
            ("--top-results", topResults),
        ] {
            if let value, value < 1 { throw ValidationError("\(name) must be at least 1, got \(value)") }
        }
        if let totalAnnealSteps, totalAnnealSteps < 0 {
            throw ValidationError("--total-anneal-steps must not be negative")
        }
        if let lr, !(lr > 0) { throw ValidationError("--lr must be positive") }
        for (name, value) in [("--beta1", beta1), ("--beta2", beta2)] {
            if let value, !(value >= 0 && value < 1) { throw ValidationError("\(name) must be in [0, 1)") }
        }
        if let lam, !(lam >= 0) { throw ValidationError("--lam must not be negative") }
        if let annealCap, !(annealCap >= 0) { throw ValidationError("--anneal-cap must not be negative") }
        if let gamma, !(gamma >= 0 && gamma.isFinite) { throw ValidationError("--gamma must be a finite number >= 0") }
        if let keepProbability, !(keepProbability > 0 && keepProbability <= 1) {
            throw ValidationError("--keep-probability must be in (0, 1], got \(keepProbability)")
        }
    }

    func parsedEncoderDimensions() throws -> [Int] {
        try parseEncoderDimensions(encoderDimensions, option: "--encoder-dims")
    }

    /// The preset with every given override applied.
    var training: TrainingConfiguration { training(startingFrom: TrainingConfiguration(preset: preset, seed: seed)) }

    /// `base` with every given training option applied.
    func training(startingFrom base: TrainingConfiguration) -> TrainingConfiguration {
        var configuration = base
        if let seedArgument { configuration.seed = seedArgument }
        if let epochs { configuration.epochs = epochs }
        if let batchSizeTrain { configuration.batchSizeTrain = batchSizeTrain }
        if let batchSizeValidation { configuration.batchSizeValidation = batchSizeValidation }
        if let validationStep { configuration.validationStep = validationStep }
        if let totalAnnealSteps { configuration.totalAnnealSteps = totalAnnealSteps }
        if let annealCap { configuration.annealCap = annealCap }
        if let lam { configuration.lam = lam }
        if let lr { configuration.learningRate = lr }
        if let beta1 { configuration.beta1 = beta1 }
        if let beta2 { configuration.beta2 = beta2 }
        if let topResults { configuration.topResults = topResults }
        return configuration
    }

    func model(itemCount: Int) throws -> MultVAEConfiguration {
        MultVAEConfiguration(
            itemCount: itemCount, encoderDimensions: try parsedEncoderDimensions(), activation: activation,
            keepProbability: keepProbability ?? 0.5)
    }

    /// The run of a `model`: `base` (a configuration file's) or the preset's, with every given option applied.
    func runConfiguration(model: ModelKind, startingFrom base: RunConfiguration? = nil) throws -> RunConfiguration {
        let preset = presetArgument ?? .defaultPreset(for: model)
        var configuration =
            base ?? RunConfiguration(model: model, training: TrainingConfiguration(preset: preset, seed: seed))
        configuration.model = model
        configuration.training = training(startingFrom: configuration.training)
        if encoderDimensionsArgument != nil { configuration.encoderDimensions = try parsedEncoderDimensions() }
        if let activationArgument { configuration.activation = activationArgument }
        if let keepProbability { configuration.keepProbability = keepProbability }
        if let gamma {
            guard model == .recvae else { throw ValidationError("--gamma applies to --model recvae only") }
            configuration.recVAE = RecVAESettings(
                hiddenLayers: configuration.resolvedRecVAE.hiddenLayers, gamma: gamma,
                encoderPasses: configuration.resolvedRecVAE.encoderPasses,
                decoderPasses: configuration.resolvedRecVAE.decoderPasses)
        }
        if model == .recvae, let problem = configuration.invalidSetting { throw ValidationError(problem) }
        return configuration
    }
}

/// Encoder widths written as `600,200` (option `option`, for the message): positive integers separated by commas.
func parseEncoderDimensions(_ text: String, option: String) throws -> [Int] {
    let parts = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else {
        throw ValidationError("\(option) must be positive integers separated by commas, like 600,200; got '\(text)'")
    }
    return parts.map { $0! }
}
