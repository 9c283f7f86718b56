import Foundation
import VAECFCore

/// One trial's score after one rung: its best validation metrics so far (the `Trainer` keeps the
/// best-validation weights), when they were reached and how long the rung took.
package struct TuningEvaluation: Sendable, Codable, Equatable {
    /// 0-based trial index.
    package var trial: Int
    /// 0-based rung.
    package var rung: Int
    /// Epochs the trial has been trained for (EASE: 1).
    package var epochs: Int
    /// Epochs trained in this evaluation (the rest came from the previous rung's run).
    package var trainedEpochs: Int
    /// The best validation metrics of the trial's run so far.
    package var validation: RankingMetrics
    /// 0-based epoch of the best validation (EASE: 0).
    package var bestEpoch: Int
    /// Wall time of the evaluation, validation included.
    package var seconds: Double

    package init(
        trial: Int, rung: Int, epochs: Int, trainedEpochs: Int, validation: RankingMetrics, bestEpoch: Int,
        seconds: Double
    ) {
        self.trial = trial
        self.rung = rung
        self.epochs = epochs
        self.trainedEpochs = trainedEpochs
        self.validation = validation
        self.bestEpoch = bestEpoch
        self.seconds = seconds
    }

    /// Validation NDCG@100, the score that ranks trials.
    package var score: Double { validation.ndcg[100] ?? 0 }
}

/// The record of a search, written after every evaluation so that an interrupted search continues where it
/// stopped: its plan, the trials drawn and the evaluations finished.
package struct TuningState: Sendable, Codable, Equatable {
    package static let format = "vaecf-tune-state"
    package static let version = 1

    package var format = Self.format
    package var version = Self.version
    package var plan: TuningPlan
    /// Each trial's values, in ``SearchSpace/dimensions`` order.
    package var trials: [[Double]]
    /// In the order they finished.
    package var evaluations: [TuningEvaluation]
    /// Sum of the evaluations' seconds, over every run of the search.
    package var elapsedSeconds: Double

    /// A new search: the plan's trials drawn, nothing evaluated.
    package init(plan: TuningPlan) {
        self.plan = plan
        trials = plan.drawTrials()
        evaluations = []
        elapsedSeconds = 0
    }

    /// The file of the state in a search folder.
    package static func file(in folder: URL) -> URL { folder.appendingPathComponent("state.json") }

    /// Reads the state in `folder`; nil when there is none.
    /// - Throws: ``TuningError/unreadableState(path:reason:)`` when the file is there but unusable.
    package static func read(folder: URL) throws(TuningError) -> TuningState? {
        let url = file(in: folder)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let state: TuningState
        do { state = try JSONDecoder().decode(TuningState.self, from: Data(contentsOf: url)) } catch {
            throw .unreadableState(path: url.path, reason: "\(error)")
        }
        guard state.format == format, state.version == version else {
            throw .unreadableState(path: url.path, reason: "not a \(format) version \(version) file")
        }
        guard state.trials == state.plan.drawTrials() else {
            throw .unreadableState(path: url.path, reason: "its trials are not those its plan draws")
        }
        return state
    }

    /// Writes the state atomically into `folder`.
    package func write(folder: URL) throws(AtomicFileError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(self) else {
            throw AtomicFileError(path: Self.file(in: folder).path, reason: "the state cannot be encoded")
        }
        try AtomicFile.write(data, to: Self.file(in: folder))
    }
}
