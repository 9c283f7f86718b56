import Foundation

/// The settings of a run resumed from a checkpoint: the checkpoint's, with the adjustable ones
/// (``TrainingSetting/isAdjustableOnResume``) that the caller gave explicitly replaced.
package struct ResumedSettings: Sendable {
    /// A setting whose value differs between the checkpoint and the caller's request.
    package struct Change: Sendable, Equatable {
        package var setting: TrainingSetting
        package var checkpointValue: String
        package var requestedValue: String

        package init(setting: TrainingSetting, checkpointValue: String, requestedValue: String) {
            self.setting = setting
            self.checkpointValue = checkpointValue
            self.requestedValue = requestedValue
        }
    }

    /// The configuration to continue with.
    package var training: TrainingConfiguration
    /// The adjustable settings that change.
    package var changes: [Change]
    /// The settings kept as the checkpoint has them, with their values, in ``TrainingSetting`` order.
    package var fromCheckpoint: [(setting: TrainingSetting, value: String)]

    /// Merges a request into the settings of `checkpoint`.
    /// - Parameters:
    ///   - requestedModel, requestedTraining: what the caller's options describe (defaults included).
    ///   - given: the settings the caller gave explicitly; only these are compared with the checkpoint.
    /// - Throws: ``ResumeError/fixedSettingsDiffer(path:_:)`` when a given setting that cannot change differs
    ///   from the checkpoint's, ``ResumeError/fewerEpochs(path:requested:completed:)`` when fewer epochs are
    ///   asked for than the checkpoint has completed, ``ResumeError/notACheckpoint(path:)`` for a model file.
    package static func resolve(
        checkpoint: ModelFile, requestedModel: MultVAEConfiguration, requestedTraining: TrainingConfiguration,
        given: Set<TrainingSetting>
    ) throws(ResumeError) -> ResumedSettings {
        guard let saved = checkpoint.header.training, checkpoint.header.kind == .checkpoint else {
            throw .notACheckpoint(path: checkpoint.path)
        }
        let savedModel = checkpoint.header.model
        var training = saved
        var changes = [Change]()
        var conflicts = [Change]()
        var kept = [(setting: TrainingSetting, value: String)]()
        for setting in TrainingSetting.allCases {
            let old = setting.value(model: savedModel, training: saved)
            let new = setting.value(model: requestedModel, training: requestedTraining)
            guard given.contains(setting), old != new else {
                kept.append((setting, old))
                continue
            }
            let change = Change(setting: setting, checkpointValue: old, requestedValue: new)
            if setting.isAdjustableOnResume {
                setting.copy(from: requestedTraining, into: &training)
                changes.append(change)
            } else {
                conflicts.append(change)
            }
        }
        guard conflicts.isEmpty else { throw .fixedSettingsDiffer(path: checkpoint.path, conflicts) }
        guard training.epochs >= checkpoint.header.epoch else {
            throw .fewerEpochs(path: checkpoint.path, requested: training.epochs, completed: checkpoint.header.epoch)
        }
        return ResumedSettings(training: training, changes: changes, fromCheckpoint: kept)
    }
}

/// A resume that cannot go ahead.
package enum ResumeError: Error, CustomStringConvertible, LocalizedError, Equatable {
    /// Settings that shape the model or its updates were given with values other than the checkpoint's.
    case fixedSettingsDiffer(path: String, [ResumedSettings.Change])
    /// Fewer epochs were asked for than the checkpoint has already completed.
    case fewerEpochs(path: String, requested: Int, completed: Int)
    /// The file is a model without training state.
    case notACheckpoint(path: String)

    package var description: String {
        switch self {
        case .fixedSettingsDiffer(let path, let changes):
            let list = changes.map {
                "--\($0.setting.rawValue) \($0.requestedValue) (the checkpoint has \($0.checkpointValue))"
            }
            return "cannot resume from \(path) with \(list.joined(separator: ", ")): "
                + "\(changes.count == 1 ? "this setting shapes" : "these settings shape") the model or its updates and "
                + "must stay as in the checkpoint; drop \(changes.count == 1 ? "the option" : "these options") to "
                + "continue the run, or train without --resume to start a new one"
        case .fewerEpochs(let path, let requested, let completed):
            return "cannot resume from \(path) with --epochs \(requested): the checkpoint has already completed "
                + "\(completed) epochs"
        case .notACheckpoint(let path):
            return "\(path): it is a model file without training state; resume needs a checkpoint"
        }
    }

    package var errorDescription: String? { description }
}
