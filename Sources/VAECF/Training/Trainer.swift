import Foundation
import VAECFCompute
import VAECFCore
import VAECFData

/// Trains a Mult-VAE on a prepared dataset: shuffled mini-batches, annealed KL, Adam, validation every
/// `validationStep` epochs keeping the best-validation weights, and resumable checkpoints.
///
/// All randomness derives from `training.seed`: initialization, the epoch's shuffle
/// (`RandomSource(seed:stream:)` per epoch) and each step's dropout and latent noise
/// (``MultVAEEngine/StepNoise``), so a run resumed from a checkpoint continues bit for bit.
///
/// In a data-parallel job (``joiningGroup(_:dataset:engine:makeRoot:)``) every member runs the same loop on its
/// ``BatchShard`` of each global batch, and the gradients are summed by one allreduce per step before the same
/// Adam update on every member; rank 0 alone validates and checkpoints.
package final class Trainer {
    package let dataset: InteractionDataset
    package let training: TrainingConfiguration
    package let model: MultVAE
    package let engine: MultVAEEngine
    package let optimizer: AdamOptimizer
    /// The best-validation parameters so far.
    package let bestParameters: FloatBuffer
    package private(set) var bestMetrics: RankingMetrics?
    package private(set) var bestEpoch: Int = -1
    /// Epochs completed.
    package internal(set) var completedEpochs = 0
    /// ``InteractionDataset/fingerprintHex`` of the dataset, recorded in checkpoints and model files.
    package let datasetFingerprint: String
    /// The processes this trainer shares its steps with; nil when it trains alone.
    package internal(set) var group: (any DataParallelGroup)?
    /// The flat gradient `[layout.count]` followed by ``lossSlots`` floats of loss terms: the one buffer that
    /// a data-parallel step sums across the group.
    let gradients: FloatBuffer
    static let lossSlots = 3
    /// Loss scaling (``LossScaling``) and its state; saved in checkpoints.
    package internal(set) var lossScale: DynamicLossScale
    /// Steps (optimizer step numbers) whose gradients a test makes infinite, to exercise the skipped step.
    var injectedOverflowSteps: Set<Int> = []

    /// A trainer with a freshly initialized model.
    /// - Parameter lossScaling: `.none` (default), a fixed scale or `.dynamic` (``LossScaling``); Mult-VAE and
    ///   Mult-DAE only (a RecVAE trains without).
    package init(
        dataset: InteractionDataset, model configuration: MultVAEConfiguration,
        training: TrainingConfiguration, engine: MultVAEEngine, lossScaling: LossScaling = .none
    ) {
        precondition(configuration.itemCount == dataset.itemCount, "model and dataset item counts differ")
        self.dataset = dataset
        self.training = training
        self.engine = engine
        datasetFingerprint = dataset.fingerprintHex
        model = MultVAE(configuration: configuration, seed: training.seed)
        optimizer = AdamOptimizer(
            parameterCount: model.layout.count, learningRate: training.learningRate, beta1: training.beta1,
            beta2: training.beta2, epsilon: training.epsilon)
        bestParameters = FloatBuffer(count: model.layout.count)
        bestParameters.copy(from: model.parameters)
        gradients = FloatBuffer(count: model.layout.count + Self.lossSlots)
        // RecVAE's alternating passes do not scale the loss (its epochs run their own loop).
        lossScale = DynamicLossScale(mode: configuration.recVAE == nil ? lossScaling : .none)
    }

    /// A trainer that continues from `checkpoint`, with the checkpoint's configuration or `adjusted`, one that
    /// differs from it only in settings a resumed run may change (``ResumedSettings/resolve(checkpoint:requestedModel:requestedTraining:given:)``
    /// makes one). A finished run continued with more epochs ends as a run started with them would.
    /// - Throws: ``ModelFileError`` when the checkpoint belongs to another dataset or configuration.
    package convenience init(
        dataset: InteractionDataset, resumingFrom checkpoint: ModelFile, engine: MultVAEEngine,
        training adjusted: TrainingConfiguration? = nil
    ) throws(ModelFileError) {
        guard let saved = checkpoint.header.training, let optimizerState = checkpoint.optimizer,
            let best = checkpoint.bestParameters
        else {
            throw .notACheckpoint(path: checkpoint.path)
        }
        let training = adjusted ?? saved
        let shape = checkpoint.header.model
        precondition(
            TrainingSetting.allCases.allSatisfy {
                $0.isAdjustableOnResume
                    || $0.value(model: shape, training: saved) == $0.value(model: shape, training: training)
            }, "a resumed run may change only the adjustable settings")
        let fingerprint = dataset.fingerprintHex
        guard checkpoint.header.datasetFingerprint == fingerprint else {
            throw .datasetMismatch(
                path: checkpoint.path, checkpointDataset: checkpoint.header.datasetFingerprint,
                givenDataset: fingerprint)
        }
        self.init(dataset: dataset, model: checkpoint.header.model, training: training, engine: engine)
        if let saved = checkpoint.header.lossScale { lossScale = saved }
        checkpoint.parameters.withUnsafeBufferPointer {
            model.parameters.pointer.update(from: $0.baseAddress!, count: $0.count)
        }
        best.withUnsafeBufferPointer { bestParameters.pointer.update(from: $0.baseAddress!, count: $0.count) }
        optimizer.restore(
            firstMoments: optimizerState.firstMoments, secondMoments: optimizerState.secondMoments,
            stepCount: checkpoint.header.step)
        completedEpochs = checkpoint.header.epoch
        bestMetrics = checkpoint.header.validation
        bestEpoch = checkpoint.header.bestEpoch
    }

    /// The users of epoch `epoch`, shuffled, cut into batches.
    package func batches(ofEpoch epoch: Int) -> [ArraySlice<Int>] {
        batches(stream: 0xE90C_0000 &+ UInt64(epoch))
    }

    /// The training users shuffled by `RandomSource(seed: training.seed, stream: stream)`, cut into batches.
    func batches(stream: UInt64) -> [ArraySlice<Int>] {
        var random = RandomSource(seed: training.seed, stream: stream)
        let order = random.permutation(count: dataset.train.rowCount)
        let steps = training.stepsPerEpoch(userCount: order.count)
        return (0..<steps).map { step in
            order[(step * training.batchSizeTrain)..<min(order.count, (step + 1) * training.batchSizeTrain)]
        }
    }

    /// Runs one epoch of updates and returns its summary (in a group, the same on every member).
    /// - Throws: ``TrainingError/nonFiniteLoss`` when the objective becomes NaN or infinite.
    package func trainEpoch() throws(TrainingError) -> EpochSummary {
        if let settings = model.configuration.recVAE { return try trainRecVAEEpoch(settings) }
        let epoch = completedEpochs
        let start = DispatchTime.now().uptimeNanoseconds
        var sums = LossBreakdown(negativeLogLikelihood: 0, kullbackLeibler: 0, anneal: 0, regularization: 0)
        var users = 0
        var communication = CommunicationTotals()
        let batches = batches(ofEpoch: epoch)
        let weightCopy = refreshedWeightCopy()
        let penalty = optimizer.penalty(lam: training.lam, ranges: model.layout.kernelRanges)
        for batch in batches {
            let step = optimizer.stepCount
            let anneal = training.anneal(atStep: step)
            let shard = BatchShard.of(batchSize: batch.count, rank: group?.rank ?? 0, ranks: group?.size ?? 1)
            let scale = lossScale.scale
            var loss = engine.lossAndGradients(
                model: model, data: dataset.train, rows: batch.dropFirst(shard.firstRow).prefix(shard.count),
                anneal: anneal, lam: training.lam, noise: .init(seed: training.seed, step: step), shard: shard,
                lossScale: scale, penaltyInOptimizer: true, gradients: gradients)
            if injectedOverflowSteps.contains(step) { gradients.pointer[0] = .infinity }
            if let group {
                do { loss = try sumAcrossGroup(loss, group: group, totals: &communication) } catch {
                    throw .communication(epoch: epoch, step: step, error)
                }
            }
            guard loss.total.isFinite else { throw .nonFiniteLoss(epoch: epoch, step: step, loss: loss) }
            loss.regularization = applyUpdate(lossScale: scale, penalty: penalty, weightCopy: weightCopy)
            sums.negativeLogLikelihood += loss.negativeLogLikelihood
            sums.kullbackLeibler += loss.kullbackLeibler
            sums.anneal = anneal
            sums.regularization += loss.regularization
            users += batch.count
        }
        let count = Double(max(batches.count, 1))
        sums.negativeLogLikelihood /= count
        sums.kullbackLeibler /= count
        sums.regularization /= count
        completedEpochs += 1
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        var summary = EpochSummary(
            epoch: epoch, loss: sums, users: users, seconds: seconds, step: optimizer.stepCount,
            communication: group.map { _ in communication })
        if lossScale.isActive {
            summary.lossScale = lossScale.scale
            summary.skippedSteps = lossScale.skippedSteps
        }
        return summary
    }

    /// Applies the step's update from `gradients` (the loss's, scaled by `lossScale`), or skips it when loss
    /// scaling finds them not finite; returns the L2 penalty `lam * sum W^2` of the weights the step used. The
    /// Adam pass adds the penalty's gradient and takes its value (on every member of a group alike).
    func applyUpdate(lossScale scale: Float, penalty: L2Penalty?, weightCopy: BFloat16ParameterCopy?) -> Double {
        let finite =
            !lossScale.isActive
            || GradientCheck.allFinite(gradients.pointer, count: model.layout.count, executor: engine.executor)
        guard lossScale.record(finite: finite) else {
            optimizer.skipUpdate()
            return penalty.map {
                training.lam * optimizer.squaredNorm(of: model.parameters, penalty: $0, executor: engine.executor)
            } ?? 0
        }
        return training.lam
            * optimizer.update(
                parameters: model.parameters, gradients: gradients, gradientScale: 1 / scale, penalty: penalty,
                bfloat16Copy: weightCopy, executor: engine.executor)
    }

    /// With bfloat16 products, the engine's bfloat16 copy of the model's parameters (made on first use),
    /// rounded anew at the start of each epoch (one conversion pass: it covers every write outside the Adam
    /// pass, such as a restored checkpoint or a broadcast), then kept by the epoch's Adam passes; `nil` with
    /// float32 products.
    func refreshedWeightCopy() -> BFloat16ParameterCopy? {
        guard engine.gemm.precision == .bfloat16 else { return nil }
        if let copy = engine.bfloat16Weights, copy.source === model.parameters {
            copy.refresh(executor: engine.executor)
            return copy
        }
        let copy = BFloat16ParameterCopy(of: model.parameters, executor: engine.executor)
        engine.bfloat16Weights = copy
        return copy
    }

    /// Whether validation is due after the epoch just completed.
    package var validationDue: Bool {
        completedEpochs % max(training.validationStep, 1) == 0 || completedEpochs == training.epochs
    }

    /// Evaluates the current weights on the validation split and keeps them if they are the best so far
    /// (by NDCG@`topResults`, ties keep the earlier). Returns the metrics and whether they are the best.
    package func validate() -> (metrics: RankingMetrics, isBest: Bool) {
        let metrics = evaluate(model: model, foldIn: dataset.validationFoldIn, heldOut: dataset.validationHeldOut)
        let key = training.topResults
        let isBest = bestMetrics.map { (metrics.ndcg[key] ?? 0) > ($0.ndcg[key] ?? 0) } ?? true
        if isBest {
            bestMetrics = metrics
            bestEpoch = completedEpochs - 1
            bestParameters.copy(from: model.parameters)
        }
        return (metrics, isBest)
    }

    /// The reported cutoffs: NDCG@100 and NDCG@`topResults`, Recall@20 and Recall@50.
    package var cutoffs: RankingCutoffs {
        (try? RankingCutoffs(ndcg: Array(Set([100, training.topResults])).sorted(), recall: [20, 50])) ?? .standard
    }

    /// Ranking metrics of `model` on a fold-in / held-out pair of matrices.
    package func evaluate(model: MultVAE, foldIn: CSRMatrix, heldOut: CSRMatrix) -> RankingMetrics {
        Evaluator(
            foldIn: foldIn, heldOut: heldOut, batchSize: training.batchSizeValidation, executor: engine.executor,
            cutoffs: cutoffs
        )
        .evaluate { rows, output in engine.scores(model: model, foldIn: foldIn, rows: rows, output: output) }
    }

    /// The best-validation model (the current one if validation never ran).
    package func bestModel() -> MultVAE {
        MultVAE(configuration: model.configuration, parameters: bestParameters.array)
    }

    /// Trains until `training.epochs`, validating and checkpointing along the way (in a group: on rank 0 only;
    /// the returned model is then the best one on rank 0 and the current one elsewhere).
    /// - Parameters:
    ///   - checkpoint: where to save the resumable state (atomically), or nil.
    ///   - checkpointInterval: seconds between checkpoints; one is written after the first epoch that ends at
    ///     least this long after the previous one, and after the last epoch. 0 writes one after every epoch.
    ///     When checkpoints are written does not change the results, only where a resumed run starts.
    package func run(
        checkpoint: URL?, checkpointInterval: Double = 0, report: (TrainingEvent) -> Void
    ) throws -> MultVAE {
        var lastCheckpoint = DispatchTime.now().uptimeNanoseconds
        report(
            .started(
                epoch: completedEpochs, epochs: training.epochs,
                stepsPerEpoch: training.stepsPerEpoch(userCount: dataset.train.rowCount)
                    * (model.configuration.recVAE?.passesPerEpoch ?? 1),
                trainUsers: dataset.train.rowCount, parameterCount: model.layout.count))
        let isRoot = (group?.rank ?? 0) == 0
        while completedEpochs < training.epochs {
            report(.epochFinished(try trainEpoch()))
            if isRoot && validationDue {
                let start = DispatchTime.now().uptimeNanoseconds
                let (metrics, isBest) = validate()
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                report(.validated(epoch: completedEpochs - 1, metrics: metrics, seconds: seconds, isBest: isBest))
            }
            let sinceCheckpoint = Double(DispatchTime.now().uptimeNanoseconds - lastCheckpoint) / 1e9
            if isRoot, let checkpoint, sinceCheckpoint >= checkpointInterval || completedEpochs == training.epochs {
                try checkpointFile().write(to: checkpoint)
                lastCheckpoint = DispatchTime.now().uptimeNanoseconds
                report(.checkpointSaved(epoch: completedEpochs - 1, path: checkpoint.path))
            }
        }
        return bestModel()
    }

    /// The resumable state: weights, optimizer moments, step, epoch, best weights and metrics.
    package func checkpointFile() -> ModelFile {
        ModelFile(
            header: header(kind: .checkpoint), parameters: model.parameters.array,
            optimizer: .init(firstMoments: optimizer.firstMoments.array, secondMoments: optimizer.secondMoments.array),
            bestParameters: bestParameters.array)
    }

    /// The best model as a file for `test`, `recommend` and `serve`.
    package func modelFile() -> ModelFile {
        ModelFile(header: header(kind: .model), parameters: bestParameters.array, optimizer: nil, bestParameters: nil)
    }

    func header(kind: ModelFile.Kind) -> ModelFile.Header {
        ModelFile.Header(
            kind: kind, model: model.configuration, training: training, itemIDs: dataset.itemIDs,
            datasetFingerprint: datasetFingerprint, epoch: completedEpochs, step: optimizer.stepCount,
            bestEpoch: bestEpoch, validation: bestMetrics, backend: engine.gemm.backendName,
            threads: engine.executor.threadCount, modelKind: ModelKind(configuration: model.configuration),
            precision: engine.gemm.precision == .float32 ? nil : engine.gemm.precision,
            lossScale: kind == .checkpoint && lossScale.isActive ? lossScale : nil)
    }
}

/// Training that cannot go on.
package enum TrainingError: Error, LocalizedError, CustomStringConvertible {
    case nonFiniteLoss(epoch: Int, step: Int, loss: LossBreakdown)
    /// The gradient exchange of a data-parallel step failed.
    case communication(epoch: Int, step: Int, DataParallelError)

    package var description: String {
        switch self {
        case .nonFiniteLoss(let epoch, let step, let loss):
            return
                "the loss became \(loss.total) at epoch \(epoch + 1), step \(step) (likelihood \(loss.negativeLogLikelihood), KL \(loss.kullbackLeibler)); lower --lr or check the data"
        case .communication(let epoch, let step, let error):
            return "the gradient exchange failed at epoch \(epoch + 1), step \(step): \(error)"
        }
    }

    /// The same text as `description`.
    package var errorDescription: String? { description }
}
