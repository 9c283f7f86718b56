/// Limits of one search run. Both count the whole search, over all its runs: a search stopped by its budget
/// continues when run again with a larger one.
package struct TuningBudget: Sendable {
    /// Seconds of evaluations; an evaluation is not started when the time it is expected to take (from the
    /// evaluations so far) would pass the limit. The first evaluation always runs.
    package var seconds: Double?
    /// Evaluations in all.
    package var evaluations: Int?

    package init(seconds: Double? = nil, evaluations: Int? = nil) {
        self.seconds = seconds
        self.evaluations = evaluations
    }
}

/// Why a search run ended.
package enum TuningStop: String, Sendable, Codable {
    /// Every rung is evaluated.
    case complete
    /// The time budget ran out.
    case timeBudget = "time-budget"
    /// The evaluation budget ran out.
    case evaluationBudget = "evaluation-budget"
}

/// What a ``Tuner`` reports as it goes.
package enum TuningEvent: Sendable {
    /// The run continues a saved search with `evaluations` finished.
    case resumed(evaluations: Int)
    /// A trial starts (or continues, from `fromEpoch`) its training for a rung.
    case evaluationStarted(trial: Int, rung: Int, epochs: Int, fromEpoch: Int)
    case evaluationFinished(TuningEvaluation)
    /// A training event of the trial being evaluated.
    case training(TrainingEvent)
}
