import Foundation
import VAECFCompute

extension RunConfigurationFile {
    /// The top-level keys a configuration file may hold.
    static let documentKeys: Set<String> = ["format", "version", "model", "settings", "validation", "source"]

    /// The loosely typed file, before its values are checked.
    struct RawDocument: Decodable {
        var format: ConfigurationValue?
        var version: ConfigurationValue?
        var model: ConfigurationValue?
        var settings: [String: ConfigurationValue]?
        var validation: RankingMetrics?
        var source: ConfigurationValue?
    }

    /// Parses and checks a configuration file's bytes (`path` names it in errors).
    package static func decode(_ data: Data, path: String) throws(RunConfigurationFileError) -> RunConfigurationFile {
        let raw = try rawDocument(data, path: path)
        guard raw.format == .text(format) else {
            throw .wrongValue(
                path: path, key: "format", expected: "\"\(format)\"", found: raw.format?.description ?? "nothing")
        }
        guard raw.version == .integer(version) else {
            throw .wrongValue(
                path: path, key: "version", expected: "\(version)", found: raw.version?.description ?? "nothing")
        }
        guard case .text(let name) = raw.model, let model = ModelKind(rawValue: name) else {
            let known = ModelKind.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw .wrongValue(
                path: path, key: "model", expected: "one of \(known)", found: raw.model?.description ?? "nothing")
        }
        guard let settings = raw.settings else {
            throw .wrongValue(path: path, key: "settings", expected: "an object", found: "nothing")
        }
        var configuration = RunConfiguration(model: model)
        for key in settings.keys.sorted() {
            try apply(key, settings[key]!, to: &configuration, path: path)
        }
        if let problem = configuration.invalidSetting { throw .unusable(path: path, reason: problem) }
        var file = RunConfigurationFile(configuration: configuration, validation: raw.validation, source: nil)
        file.givenKeys = Set(settings.keys)
        if case .text(let source) = raw.source { file.source = source }
        return file
    }

    /// The JSON object, its top-level keys checked.
    static func rawDocument(_ data: Data, path: String) throws(RunConfigurationFileError) -> RawDocument {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            let detail = (error as NSError).userInfo["NSDebugDescription"] as? String ?? error.localizedDescription
            throw .notJSON(path: path, reason: detail)
        }
        guard let dictionary = object as? [String: Any] else {
            throw .notJSON(path: path, reason: "the file is not a JSON object")
        }
        if let unknown = dictionary.keys.sorted().first(where: { !documentKeys.contains($0) }) {
            throw .unknownKey(path: path, key: unknown, known: documentKeys.sorted())
        }
        do { return try JSONDecoder().decode(RawDocument.self, from: data) } catch let error as DecodingError {
            throw .notJSON(path: path, reason: describe(error))
        } catch {
            throw .notJSON(path: path, reason: error.localizedDescription)
        }
    }

    /// A decoding error as `at settings.lr: expected ...`.
    static func describe(_ error: DecodingError) -> String {
        let (context, what): (DecodingError.Context?, String) =
            switch error {
            case .typeMismatch(let type, let context): (context, "expected \(type)")
            case .valueNotFound(let type, let context): (context, "expected \(type), found null")
            case .keyNotFound(let key, let context): (context, "missing key \(key.stringValue)")
            case .dataCorrupted(let context): (context, context.debugDescription)
            @unknown default: (nil, "\(error)")
            }
        let location = context.map { $0.codingPath.map(\.stringValue).joined(separator: ".") } ?? ""
        return location.isEmpty ? what : "at \(location): \(what)"
    }

    /// Sets one setting of `configuration` from the file's value, checking its type.
    static func apply(
        _ key: String, _ value: ConfigurationValue, to configuration: inout RunConfiguration, path: String
    ) throws(RunConfigurationFileError) {
        func wrong(_ expected: String) -> RunConfigurationFileError {
            .wrongValue(path: path, key: "settings.\(key)", expected: expected, found: value.description)
        }
        func integer() throws(RunConfigurationFileError) -> Int {
            guard case .integer(let number) = value else { throw wrong("an integer") }
            return number
        }
        func number() throws(RunConfigurationFileError) -> Double {
            guard let number = value.double else { throw wrong("a number") }
            return number
        }
        guard knownKeys.contains(key) else {
            throw .unknownKey(path: path, key: "settings.\(key)", known: knownKeys.sorted())
        }
        var training = configuration.training
        switch TrainingSetting(rawValue: key) {
        case .epochs: training.epochs = try integer()
        case .batchSizeTrain: training.batchSizeTrain = try integer()
        case .batchSizeValidation: training.batchSizeValidation = try integer()
        case .validationStep: training.validationStep = try integer()
        case .totalAnnealSteps: training.totalAnnealSteps = try integer()
        case .topResults: training.topResults = try integer()
        case .annealCap: training.annealCap = try number()
        case .lam: training.lam = try number()
        case .lr: training.learningRate = try number()
        case .beta1: training.beta1 = try number()
        case .beta2: training.beta2 = try number()
        case .epsilon: training.epsilon = try number()
        case .keepProbability: configuration.keepProbability = try number()
        case .dropLastPartialBatch:
            guard case .flag(let flag) = value else { throw wrong("true or false") }
            training.dropLastPartialBatch = flag
        case .seed: training.seed = try seed(value, wrong: wrong("a non-negative integer"))
        case .encoderDimensions:
            configuration.encoderDimensions = try dimensions(
                value, wrong: wrong("an array of positive integers like [600, 200]"))
        case .activation:
            guard case .text(let name) = value, let activation = Activation(rawValue: name) else {
                throw wrong("one of \(Activation.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")
            }
            configuration.activation = activation
        case .model: throw .unknownKey(path: path, key: "settings.\(key)", known: knownKeys.sorted())
        case .gamma:
            guard configuration.model == .recvae else {
                throw .unknownKey(path: path, key: "settings.\(key)", known: keys(for: configuration.model).sorted())
            }
            var settings = configuration.resolvedRecVAE
            settings.gamma = try number()
            configuration.recVAE = settings
        case nil: configuration.easeLambda = try number()
        }
        configuration.training = training
    }

    static func seed(
        _ value: ConfigurationValue, wrong: RunConfigurationFileError
    ) throws(RunConfigurationFileError) -> UInt64 {
        switch value {
        case .integer(let number) where number >= 0: return UInt64(number)
        case .text(let digits): if let number = UInt64(digits) { return number }
        default: break
        }
        throw wrong
    }

    static func dimensions(
        _ value: ConfigurationValue, wrong: RunConfigurationFileError
    ) throws(RunConfigurationFileError) -> [Int] {
        guard case .integers(let widths) = value, !widths.isEmpty, widths.allSatisfy({ $0 > 0 }) else { throw wrong }
        return widths
    }
}

/// A configuration file that cannot be used.
package enum RunConfigurationFileError: Error, LocalizedError, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    /// Not JSON, not an object, or a part of another type than the format needs.
    case notJSON(path: String, reason: String)
    case unknownKey(path: String, key: String, known: [String])
    /// A key with a value of the wrong type or out of its set.
    case wrongValue(path: String, key: String, expected: String, found: String)
    /// Values of the right types that no run can use (a negative rate, zero epochs).
    case unusable(path: String, reason: String)

    package var description: String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): cannot read the configuration file: \(reason)"
        case .notJSON(let path, let reason):
            return "\(path): not a vaecf configuration file (a JSON object as `vaecf tune` writes): \(reason)"
        case .unknownKey(let path, let key, let known):
            return "\(path): unknown key '\(key)'; expected one of \(known.joined(separator: ", "))"
        case .wrongValue(let path, let key, let expected, let found):
            return "\(path): '\(key)' must be \(expected), found \(found)"
        case .unusable(let path, let reason): return "\(path): \(reason)"
        }
    }

    package var errorDescription: String? { description }
}
