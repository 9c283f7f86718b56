import Foundation
import VAECFData

/// The gradient exchange of one epoch of data-parallel training, as one member measured it.
package struct CommunicationTotals: Sendable, Codable, Equatable {
    /// Allreduce calls (one per step).
    package var allReduces = 0
    /// Seconds spent in them, waiting for slower members included.
    package var seconds = 0.0
    /// Bytes of the summed buffer, over all calls (each call's buffer size times the calls). What crosses the
    /// network depends on the algorithm: a ring allreduce sends and receives `2 (N - 1) / N` times this per
    /// member.
    package var bufferBytes = 0

    package init() {}

    /// Seconds per allreduce.
    package var secondsPerAllReduce: Double { allReduces > 0 ? seconds / Double(allReduces) : 0 }
    /// Bytes of one allreduce's buffer.
    package var bytesPerAllReduce: Int { allReduces > 0 ? bufferBytes / allReduces : 0 }
}

/// What rank 0 tells the other members before training: the run's configuration, its dataset and its loss
/// scaling state (every member must scale its part of the loss by the same factor before the gradients are
/// summed).
struct DataParallelStart: Codable {
    var model: MultVAEConfiguration
    var training: TrainingConfiguration
    var datasetFingerprint: String
    var ranks: Int
    var lossScale: DynamicLossScale
}

extension Trainer {
    /// A trainer that is member `group.rank` of a data-parallel job.
    ///
    /// Rank 0 makes its trainer with `makeRoot` (fresh, or resumed from a checkpoint) and broadcasts the
    /// configurations, then its weights, Adam's moments and its epoch and step counters; every other member
    /// builds a trainer for the same configuration and takes that state, so all members start identical.
    /// Every member must call this, with the same dataset.
    /// - Throws: ``DataParallelError`` when the global batch size does not divide between the members, when a
    ///   member's dataset differs from rank 0's, or when a broadcast fails; whatever `makeRoot` throws (rank 0).
    package static func joiningGroup(
        _ group: any DataParallelGroup, dataset: InteractionDataset, engine: MultVAEEngine,
        makeRoot: () throws -> Trainer
    ) throws -> Trainer {
        var root: Trainer?
        var message = [UInt8]()
        if group.rank == 0 {
            let trainer = try makeRoot()
            try checkDivisible(trainer.training, ranks: group.size)
            root = trainer
            message = Array(
                try JSONEncoder().encode(
                    DataParallelStart(
                        model: trainer.model.configuration, training: trainer.training,
                        datasetFingerprint: trainer.datasetFingerprint, ranks: group.size,
                        lossScale: trainer.lossScale)))
        }
        let start = try JSONDecoder().decode(DataParallelStart.self, from: Data(try group.broadcast(message, root: 0)))
        guard start.ranks == group.size else {
            throw DataParallelError.memberCountMismatch(rank: group.rank, counted: group.size, rootCounted: start.ranks)
        }
        guard start.datasetFingerprint == dataset.fingerprintHex else {
            throw DataParallelError.datasetMismatch(
                rank: group.rank, dataset: dataset.fingerprintHex, rootDataset: start.datasetFingerprint)
        }
        try checkDivisible(start.training, ranks: group.size)
        let trainer = root ?? Trainer(dataset: dataset, model: start.model, training: start.training, engine: engine)
        trainer.lossScale = start.lossScale
        trainer.group = group
        try trainer.synchronizeState(from: 0)
        return trainer
    }

    /// The reference's rule: the global batch is split evenly, so a size that does not divide is refused.
    static func checkDivisible(_ training: TrainingConfiguration, ranks: Int) throws(DataParallelError) {
        guard training.batchSizeTrain % ranks == 0 else {
            throw .indivisibleBatch(batchSize: training.batchSizeTrain, members: ranks)
        }
    }

    /// Copies `root`'s weights, Adam moments and counters to every member.
    func synchronizeState(from root: Int) throws(DataParallelError) {
        guard let group else { return }
        try group.broadcast(model.parameters.pointer, count: model.parameters.count, root: root)
        try group.broadcast(optimizer.firstMoments.pointer, count: optimizer.firstMoments.count, root: root)
        try group.broadcast(optimizer.secondMoments.pointer, count: optimizer.secondMoments.count, root: root)
        let counters = try group.broadcast(integers: [Int64(completedEpochs), Int64(optimizer.stepCount)], root: root)
        completedEpochs = Int(counters[0])
        optimizer.stepCount = Int(counters[1])
        if group.rank != root { bestParameters.copy(from: model.parameters) }
    }

    /// Sums the members' gradients and loss terms in one allreduce over ``gradients`` (the loss terms ride in
    /// its last ``lossSlots`` floats) and returns the global batch's loss.
    func sumAcrossGroup(
        _ loss: LossBreakdown, group: any DataParallelGroup, totals: inout CommunicationTotals
    ) throws(DataParallelError) -> LossBreakdown {
        let tail = gradients.pointer + model.layout.count
        tail[0] = Float(loss.negativeLogLikelihood)
        tail[1] = Float(loss.kullbackLeibler)
        tail[2] = Float(loss.regularization)
        let start = DispatchTime.now().uptimeNanoseconds
        try group.allReduceSum(gradients.pointer, count: gradients.count)
        totals.seconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        totals.allReduces += 1
        totals.bufferBytes += gradients.count * MemoryLayout<Float>.stride
        return LossBreakdown(
            negativeLogLikelihood: Double(tail[0]), kullbackLeibler: Double(tail[1]), anneal: loss.anneal,
            regularization: Double(tail[2]))
    }
}
