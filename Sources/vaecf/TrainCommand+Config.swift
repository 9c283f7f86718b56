import ArgumentParser
import Foundation
import VAECF

extension TrainCommand {
    /// The `--config` file, read and checked; nil without the option.
    func configurationFile() throws -> RunConfigurationFile? {
        try config.map { try RunConfigurationFile.read($0) }
    }

    /// The run's settings: the configuration file's (or the preset's) with the options given on the command
    /// line applied; with `announce`, says on stderr where they come from.
    /// - Throws: when `--model` differs from the file's model.
    func runConfiguration(announce: Bool = false) throws -> RunConfiguration {
        let file = try configurationFile()
        if let file, let modelArgument, modelArgument != file.configuration.model {
            throw CommandFailure(
                "\(config?.path ?? "") is a configuration for \(file.configuration.model.rawValue), not \(modelArgument.rawValue): drop --model or use a configuration of that model"
            )
        }
        let kind = modelArgument ?? file?.configuration.model ?? .multvae
        var configuration = try options.runConfiguration(model: kind, startingFrom: file?.configuration)
        if let easeLambda { configuration.easeLambda = easeLambda }
        if announce, let file, let config { Self.announce(file: file, path: config.path, final: configuration) }
        return configuration
    }

    /// Prints which file the settings come from and which of its values the command line replaced.
    static func announce(file: RunConfigurationFile, path: String, final: RunConfiguration) {
        printError("configuration from \(path)\(file.source.map { " (\($0))" } ?? "")")
        let overridden = file.givenKeys.sorted().compactMap { key -> String? in
            let before = file.configuration.value(of: key) ?? ""
            let after = final.value(of: key) ?? ""
            return before == after ? nil : "\(key) \(before) -> \(after)"
        }
        if !overridden.isEmpty { printError("  from the command line: \(overridden.joined(separator: ", "))") }
    }

    /// The settings this run gives, checked against a checkpoint on `--resume`: the options on the command line
    /// and every setting of the configuration file.
    func givenSettings() throws -> Set<TrainingSetting> {
        var given = options.givenSettings
        if modelArgument != nil { given.insert(.model) }
        if let file = try configurationFile() {
            given.insert(.model)
            given.formUnion(file.givenKeys.compactMap(TrainingSetting.init(rawValue:)))
        }
        return given
    }
}
