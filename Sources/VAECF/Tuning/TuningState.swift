import Foundation
import VAECFCore

/// One trial's score after one rung: its best validation metrics so far (the ``Trainer`` keeps the
/// best-validation weights), when they were reached and how long the rung took.
public struct TuningEvaluation: Sendable, Codable, Equatable {
    /// 0-based trial index.
    public var trial: Int
    /// 0-based rung.
    public var rung: Int
    /// Epochs the trial has been trained for (EASE: 1).
    public var epochs: Int
    /// Epochs trained in this evaluation (the rest came from the previous rung's run).
    public var trainedEpochs: Int
    /// The best validation metrics of the trial's run so far.
    public var validation: RankingMetrics
    /// 0-based epoch of the best validation (EASE: 0).
    public var bestEpoch: Int
    /// Wall time of the evaluation, validation included.
    public var seconds: Double

    public init(
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
    public var score: Double { validation.ndcg[100] ?? 0 }
}

/// The record of a search, written after every evaluation so that an interrupted search continues where it
/// stopped: its plan, the trials drawn and the evaluations finished.
public struct TuningState: Sendable, Codable, Equatable {
    public static let format = "vaecf-tune-state"
    public static let version = 1

    public var format = Self.format
    public var version = Self.version
    public var plan: TuningPlan
    /// Each trial's values, in ``SearchSpace/dimensions`` order.
    public var trials: [[Double]]
    /// In the order they finished.
    public var evaluations: [TuningEvaluation]
    /// Sum of the evaluations' seconds, over every run of the search.
    public var elapsedSeconds: Double

    /// A new search: the plan's trials drawn, nothing evaluated.
    public init(plan: TuningPlan) {
        self.plan = plan
        trials = plan.drawTrials()
        evaluations = []
        elapsedSeconds = 0
    }

    /// The file of the state in a search folder.
    public static func file(in folder: URL) -> URL { folder.appendingPathComponent("state.json") }

    /// Reads the state in `folder`; nil when there is none.
    /// - Throws: ``TuningError/unreadableState(path:reason:)`` when the file is there but unusable.
    public static func read(folder: URL) throws(TuningError) -> TuningState? {
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
    public func write(folder: URL) throws(AtomicFileError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(self) else {
            throw AtomicFileError(path: Self.file(in: folder).path, reason: "the state cannot be encoded")
        }
        try AtomicFile.write(data, to: Self.file(in: folder))
    }
}
