import Foundation
import VAECFCompute
import VAECFCore
import VAECFData

/// A run's configuration as a JSON file, the one `vaecf tune` writes and `vaecf train --config FILE` reads:
///
///     {"format": "vaecf-configuration", "version": 1, "model": "multvae",
///      "settings": {"lam": 0.0001, "lr": 0.002, "encoder-dims": [600, 200], ...},
///      "validation": {"ndcg@100": 0.31, ...}, "source": "vaecf tune, trial 4"}
///
/// `settings` is keyed by `train`'s option names (``TrainingSetting`` and `ease-lambda`); a setting the file
/// does not give keeps the paper preset's value. `validation` and `source` describe where the configuration
/// came from and are not used by `train`. Unknown keys, values of the wrong type and unusable values are
/// refused with the file and the key named.
package struct RunConfigurationFile: Sendable, Equatable {
    package static let format = "vaecf-configuration"
    package static let version = 1

    package var configuration: RunConfiguration
    /// The settings keys the file gives (all of them in a file this type writes).
    package var givenKeys: Set<String>
    /// The validation metrics of the run that chose the configuration, if any.
    package var validation: RankingMetrics?
    /// Where the configuration came from, in words.
    package var source: String?

    /// A file giving every setting that applies to `configuration.model`.
    package init(configuration: RunConfiguration, validation: RankingMetrics? = nil, source: String? = nil) {
        self.configuration = configuration
        givenKeys = Set(Self.keys(for: configuration.model))
        self.validation = validation
        self.source = source
    }

    /// The settings keys that apply to `model`: EASE's lambda and validation batch for EASE, every training
    /// setting for the autoencoders.
    package static func keys(for model: ModelKind) -> [String] {
        guard model.isAutoencoder else {
            return [RunConfiguration.easeLambdaKey, TrainingSetting.batchSizeValidation.rawValue]
        }
        let excluded: Set<TrainingSetting> = model == .recvae ? [.model, .activation] : [.model, .gamma]
        return TrainingSetting.allCases.filter { !excluded.contains($0) }.map(\.rawValue)
    }

    /// Every key `settings` may hold.
    package static var knownKeys: [String] {
        TrainingSetting.allCases.filter { $0 != .model }.map(\.rawValue) + [RunConfiguration.easeLambdaKey]
    }

    /// Reads and checks the file at `url`.
    /// - Throws: ``RunConfigurationFileError`` naming the file and what was expected.
    package static func read(_ url: URL) throws(RunConfigurationFileError) -> RunConfigurationFile {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .unreadable(path: url.path, reason: FileProblem.describe(error))
        }
        return try decode(data, path: url.path)
    }

    /// Writes the file atomically (a temporary file, then a rename).
    package func write(to url: URL) throws(AtomicFileError) {
        try AtomicFile.write(encoded(), to: url)
    }

    /// The JSON text, keys sorted, indented, ending in a newline.
    package func encoded() -> Data {
        var settings = [String: ConfigurationValue]()
        for key in givenKeys { settings[key] = Self.value(of: key, in: configuration) }
        let document = ConfigurationDocument(
            format: Self.format, version: Self.version, model: configuration.model.rawValue, settings: settings,
            validation: validation, source: source)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        // Encoding plain numbers, strings and arrays cannot fail.
        return ((try? encoder.encode(document)) ?? Data()) + Data("\n".utf8)
    }

    /// The JSON value of one setting of `configuration`.
    static func value(of key: String, in configuration: RunConfiguration) -> ConfigurationValue {
        let training = configuration.training
        switch TrainingSetting(rawValue: key) {
        case .epochs: return .integer(training.epochs)
        case .batchSizeTrain: return .integer(training.batchSizeTrain)
        case .batchSizeValidation: return .integer(training.batchSizeValidation)
        case .validationStep: return .integer(training.validationStep)
        case .totalAnnealSteps: return .integer(training.totalAnnealSteps)
        case .topResults: return .integer(training.topResults)
        case .annealCap: return .number(training.annealCap)
        case .lam: return .number(training.lam)
        case .lr: return .number(training.learningRate)
        case .beta1: return .number(training.beta1)
        case .beta2: return .number(training.beta2)
        case .epsilon: return .number(training.epsilon)
        case .keepProbability: return .number(configuration.keepProbability)
        case .dropLastPartialBatch: return .flag(training.dropLastPartialBatch)
        case .seed: return training.seed <= UInt64(Int.max) ? .integer(Int(training.seed)) : .text("\(training.seed)")
        case .encoderDimensions: return .integers(configuration.encoderDimensions)
        case .activation: return .text(configuration.activation.rawValue)
        case .model: return .text(configuration.model.rawValue)
        case .gamma: return .number(configuration.resolvedRecVAE.gamma)
        case nil: return .number(configuration.easeLambda)
        }
    }
}

/// The file's JSON object.
struct ConfigurationDocument: Codable {
    var format: String
    var version: Int
    var model: String
    var settings: [String: ConfigurationValue]
    var validation: RankingMetrics?
    var source: String?
}
