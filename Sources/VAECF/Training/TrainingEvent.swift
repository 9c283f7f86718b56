/// What a ``Trainer`` reports as it goes. The CLI turns these into console lines and JSON-lines logs;
/// tests and benchmarks collect them.
public enum TrainingEvent: Sendable {
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
public struct EpochSummary: Sendable, Codable {
    /// 0-based epoch index.
    public var epoch: Int
    /// Mean of the batches' objective terms.
    public var loss: LossBreakdown
    /// Users processed in the epoch.
    public var users: Int
    /// Wall time of the epoch's updates, in seconds (validation excluded).
    public var seconds: Double
    /// Updates applied so far.
    public var step: Int
    /// The gradient exchange of a data-parallel epoch (nil when training alone).
    public var communication: CommunicationTotals?
    /// The loss scale after the epoch and the steps skipped so far (nil without loss scaling).
    public var lossScale: Float?
    public var skippedSteps: Int?

    public init(
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
    public var usersPerSecond: Double { seconds > 0 ? Double(users) / seconds : 0 }
}
