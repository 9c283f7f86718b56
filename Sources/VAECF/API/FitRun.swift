import Dispatch
import VAECFCompute
import VAECFCore
import VAECFData

/// One fit of ``CollaborativeFilter``: the dataset, the engine and the epochs, on the calling thread.
struct FitRun {
    let options: FitOptions
    let progress: @Sendable (FitProgress) -> Void
    let isCancelled: () -> Bool

    init(options: FitOptions, progress: @escaping @Sendable (FitProgress) -> Void, isCancelled: @escaping () -> Bool) {
        self.options = options
        self.progress = progress
        self.isCancelled = isCancelled
    }

    func model(of interactions: Interactions) throws(CollaborativeFilterError) -> ModelFile {
        // Checked as `vaecf train` checks its options: encoder widths, dropout, lambda, RecVAE's and training's.
        if let problem = options.runConfiguration.invalidSetting { throw .invalidOption(problem) }
        let dataset = try InteractionSplit.dataset(
            interactions, minimumWeight: options.minimumWeight, validationUsers: options.validationUsers,
            seed: options.training.seed)
        let engine = try makeEngine()
        var file = options.model == .ease ? try fitEASE(dataset, engine: engine) : try train(dataset, engine: engine)
        if options.validationUsers == 0 { file.header.validation = nil }
        if options.keepsTrainingUsers {
            // The split's training user ids are distinct and one per row, which is all `TrainingUsers` checks.
            file.trainingUsers = try? TrainingUsers(userIDs: dataset.trainUserIDs, rows: dataset.train)
        }
        return file
    }

    func makeEngine() throws(CollaborativeFilterError) -> MultVAEEngine {
        let threads = options.threadCount
        do {
            let gemm = try GEMM.load(threadCount: threads).withPrecision(options.precision)
            return MultVAEEngine(gemm: gemm, executor: ParallelExecutor(threadCount: threads))
        } catch {
            throw .unsupportedPrecision(error)
        }
    }

    func train(_ dataset: InteractionDataset, engine: MultVAEEngine) throws(CollaborativeFilterError) -> ModelFile {
        var training = options.training
        // Without validation users, validate (on nobody) only after the last epoch: the last weights are kept.
        if options.validationUsers == 0 { training.validationStep = max(1, training.epochs) }
        let trainer = Trainer(
            dataset: dataset, model: options.network(itemCount: dataset.itemCount), training: training, engine: engine,
            lossScaling: options.lossScaling ?? .defaultMode(for: options.precision))
        let start = DispatchTime.now().uptimeNanoseconds
        while trainer.completedEpochs < training.epochs {
            if isCancelled() { throw .cancelled }
            let summary: EpochSummary
            do { summary = try trainer.trainEpoch() } catch { throw Self.failure(error) }
            let validated = trainer.validationDue ? trainer.validate() : nil
            let reported = options.validationUsers > 0 ? validated : nil
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            progress(
                FitProgress(
                    epoch: summary.epoch, epochs: training.epochs, loss: summary.loss, validation: reported?.metrics,
                    isBest: reported?.isBest ?? false, elapsedSeconds: elapsed,
                    remainingSeconds: elapsed / Double(summary.epoch + 1) * Double(training.epochs - summary.epoch - 1))
            )
        }
        return trainer.modelFile()
    }

    func fitEASE(_ dataset: InteractionDataset, engine: MultVAEEngine) throws(CollaborativeFilterError) -> ModelFile {
        let solver = EASESolver(lambda: options.easeLambda, gemm: engine.gemm, executor: engine.executor)
        let fitted: EASEModel
        do { fitted = try solver.fit(train: dataset.train).model } catch { throw Self.failure(error) }
        let validation = TrainedModel.ease(fitted).evaluate(
            engine: engine, foldIn: dataset.validationFoldIn, heldOut: dataset.validationHeldOut,
            batchSize: options.training.batchSizeValidation)
        progress(
            FitProgress(
                epoch: 0, epochs: 1,
                loss: LossBreakdown(negativeLogLikelihood: 0, kullbackLeibler: 0, anneal: 0, regularization: 0),
                validation: options.validationUsers > 0 ? validation : nil, isBest: true, elapsedSeconds: 0,
                remainingSeconds: 0))
        return fitted.modelFile(
            itemIDs: dataset.itemIDs, datasetFingerprint: dataset.fingerprintHex,
            validation: validation.userCount > 0 ? validation : nil, gemm: engine.gemm,
            threads: engine.executor.threadCount)
    }

    /// A training failure as the library reports it (a fit has no process group, so no exchange can fail).
    static func failure(_ error: TrainingError) -> CollaborativeFilterError {
        switch error {
        case .nonFiniteLoss(let epoch, let step, let loss): .diverged(epoch: epoch, step: step, loss: loss.total)
        case .communication(_, _, let problem): preconditionFailure("a fit has no process group: \(problem)")
        }
    }

    /// An EASE failure as the library reports it.
    static func failure(_ error: EASEError) -> CollaborativeFilterError {
        switch error {
        case .invalidLambda: .invalidOption(error.description)
        case .insufficientMemory(let items, let needed, let available):
            .insufficientMemory(itemCount: items, neededBytes: needed, availableBytes: available)
        case .notInvertible(let problem): .notInvertible(problem.description)
        }
    }
}
