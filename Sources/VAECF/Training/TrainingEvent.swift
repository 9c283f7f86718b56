/// What a `Trainer` reports as it goes. The CLI turns these into console lines and JSON-lines logs;
/// tests and benchmarks collect them.
package enum TrainingEvent: Sendable {
    /// Training starts (or resumes) at `epoch` (0-based) with `stepsPerEpoch` updates per epoch.
    case started(epoch: Int, epochs: Int, stepsPerEpoch: Int, trainUsers: Int, parameterCount: Int)
    /// One epoch finished.
    case epochFinished(EpochSummary)
    /// Validation ran after an epoch.
    case validated(epoch: Int, metrics: RankingMetrics, seconds: Double, isBest: Bool)
    /// A checkpoint was written.
    case checkpointSaved(epoch: Int, path: String)
}

/// Figures of one training epoch.
package struct EpochSummary: Sendable, Codable {
    /// 0-based epoch index.
    package var epoch: Int
    /// Mean of the batches' objective terms.
    package var loss: LossBreakdown
    /// Users processed in the epoch.
    package var users: Int
    /// Wall time of the epoch's updates, in seconds (validation excluded).
    package var seconds: Double
    /// Updates applied so far.
    package var step: Int
    /// The gradient exchange of a data-parallel epoch (nil when training alone).
    package var communication: CommunicationTotals?
    /// The loss scale after the epoch and the steps skipped so far (nil without loss scaling).
    package var lossScale: Float?
    package var skippedSteps: Int?

    package init(
        epoch: Int, loss: LossBreakdown, users: Int, seconds: Double, step: Int,
        communication: CommunicationTotals? = nil
    ) {
        self.epoch = epoch
        self.loss = loss
        self.users = users
        self.seconds = seconds
        self.step = step
        self.communication = communication
    }

    /// Training users per second in the epoch.
    package var usersPerSecond: Double { seconds > 0 ? Double(users) / seconds : 0 }
}
