import Foundation
import VAECFCore
import VAECFData

/// Runs a hyperparameter search (``TuningPlan``, successive halving) on the validation users of a prepared
/// dataset, saving its state into a folder after each evaluation: `state.json` and one checkpoint per live
/// trial (`trial-N.checkpoint`), removed once the trial is eliminated. A promoted trial continues from its
/// checkpoint (`Trainer.init(dataset:resumingFrom:engine:training:)`), which ends bitwise as a run started
/// with the rung's epochs; so an interrupted search, run again, finishes with the same evaluations and choice.
/// The test users are used only by ``testChoice()``.
package final class Tuner {
    package let dataset: InteractionDataset
    package let engine: MultVAEEngine
    package let folder: URL
    package private(set) var state: TuningState
    /// Whether the state was read from the folder (a resumed search).
    package let resumed: Bool

    /// A search in `folder` (created if needed): the saved one when the folder holds the same plan, else a
    /// new one.
    /// - Throws: ``TuningError/differentSearch(path:differences:)`` when the folder holds another search.
    package init(plan: TuningPlan, dataset: InteractionDataset, engine: MultVAEEngine, folder: URL) throws {
        guard dataset.train.rowCount > 0, dataset.validationHeldOut.rowCount > 0 else {
            throw TuningError.unusableData(
                "tune needs training users and validation users; prepare the data with --heldout-users above 0")
        }
        self.dataset = dataset
        self.engine = engine
        self.folder = folder
        if let saved = try TuningState.read(folder: folder) {
            let differences = plan.differences(from: saved.plan)
            guard differences.isEmpty, saved.plan == plan else {
                throw TuningError.differentSearch(
                    path: folder.path, differences: differences.isEmpty ? ["other settings"] : differences)
            }
            state = saved
            resumed = true
        } else {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            state = TuningState(plan: plan)
            try state.write(folder: folder)
            resumed = false
            for trial in 0..<plan.trials { try? FileManager.default.removeItem(at: checkpointURL(trial: trial)) }
        }
    }

    package var plan: TuningPlan { state.plan }
    package var schedule: SuccessiveHalving { SuccessiveHalving(state: state) }

    /// The checkpoint of trial `trial`.
    package func checkpointURL(trial: Int) -> URL { folder.appendingPathComponent("trial-\(trial).checkpoint") }

    /// Evaluates trials until the search is complete or the budget is spent.
    package func run(budget: TuningBudget, report: (TuningEvent) -> Void = { _ in }) throws -> TuningStop {
        if resumed { report(.resumed(evaluations: state.evaluations.count)) }
        while let next = schedule.next() {
            let (trial, rung) = next
            if let limit = budget.evaluations, state.evaluations.count >= limit { return .evaluationBudget }
            if let limit = budget.seconds, !state.evaluations.isEmpty,
                state.elapsedSeconds + expectedSeconds(trial: trial, rung: rung) > limit
            {
                return .timeBudget
            }
            let evaluation = try evaluate(trial: trial, rung: rung, report: report)
            state.evaluations.append(evaluation)
            state.elapsedSeconds += evaluation.seconds
            try state.write(folder: folder)
            removeEliminatedCheckpoints(rung: rung)
            report(.evaluationFinished(evaluation))
        }
        return .complete
    }

    /// Seconds an evaluation is expected to take, from the time per trained epoch (EASE: per fit) so far.
    func expectedSeconds(trial: Int, rung: Int) -> Double {
        let epochs = state.evaluations.reduce(0) { $0 + max($1.trainedEpochs, 1) }
        let perEpoch = state.elapsedSeconds / Double(max(epochs, 1))
        let previous = rung > 0 ? plan.rungEpochs[rung - 1] : 0
        return perEpoch * Double(max(plan.rungEpochs[rung] - previous, 1))
    }

    /// Trains (or fits) one trial to a rung's epochs and scores it on the validation users.
    func evaluate(trial: Int, rung: Int, report: (TuningEvent) -> Void) throws -> TuningEvaluation {
        let epochs = plan.rungEpochs[rung]
        let configuration = plan.configuration(values: state.trials[trial], epochs: epochs)
        let start = Date()
        guard plan.model.isAutoencoder else {
            report(.evaluationStarted(trial: trial, rung: rung, epochs: epochs, fromEpoch: 0))
            let model = TrainedModel.ease(try easeSolver(configuration).fit(train: dataset.train).model)
            let validation = model.evaluate(
                engine: engine, foldIn: dataset.validationFoldIn, heldOut: dataset.validationHeldOut,
                batchSize: configuration.training.batchSizeValidation)
            return TuningEvaluation(
                trial: trial, rung: rung, epochs: 1, trainedEpochs: 1, validation: validation,
                bestEpoch: 0, seconds: Date().timeIntervalSince(start))
        }
        let trainer = try trainer(trial: trial, configuration: configuration)
        let fromEpoch = trainer.completedEpochs
        report(.evaluationStarted(trial: trial, rung: rung, epochs: epochs, fromEpoch: fromEpoch))
        _ = try trainer.run(checkpoint: checkpointURL(trial: trial), checkpointInterval: .greatestFiniteMagnitude) {
            report(.training($0))
        }
        guard let validation = trainer.bestMetrics else {
            throw TuningError.unusableData("trial \(trial + 1) has no validation metrics after \(epochs) epochs")
        }
        return TuningEvaluation(
            trial: trial, rung: rung, epochs: epochs, trainedEpochs: epochs - fromEpoch, validation: validation,
            bestEpoch: trainer.bestEpoch, seconds: Date().timeIntervalSince(start))
    }

    /// The trial's trainer: continued from its checkpoint when one exists with at most `epochs` done, else new.
    func trainer(trial: Int, configuration: RunConfiguration) throws -> Trainer {
        let url = checkpointURL(trial: trial)
        if FileManager.default.fileExists(atPath: url.path) {
            let checkpoint = try ModelFile.read(url)
            if checkpoint.header.epoch <= configuration.training.epochs,
                Self.checkpoint(checkpoint, belongsTo: configuration, itemCount: dataset.itemCount)
            {
                return try Trainer(
                    dataset: dataset, resumingFrom: checkpoint, engine: engine, training: configuration.training)
            }
        }
        return Trainer(
            dataset: dataset, model: configuration.network(itemCount: dataset.itemCount),
            training: configuration.training, engine: engine)
    }

    /// Whether `checkpoint` is a run of `configuration` (every setting a resumed run may not change is equal).
    static func checkpoint(_ checkpoint: ModelFile, belongsTo configuration: RunConfiguration, itemCount: Int) -> Bool {
        guard let saved = checkpoint.header.training, checkpoint.header.kind == .checkpoint else { return false }
        let network = configuration.network(itemCount: itemCount)
        return checkpoint.header.model == network
            && TrainingSetting.allCases.allSatisfy {
                $0.isAdjustableOnResume
                    || $0.value(model: checkpoint.header.model, training: saved)
                        == $0.value(model: network, training: configuration.training)
            }
    }

    func easeSolver(_ configuration: RunConfiguration) -> EASESolver {
        EASESolver(lambda: configuration.easeLambda, gemm: engine.gemm, executor: engine.executor)
    }

    /// Removes the checkpoints of the trials `rung` no longer promotes (best effort: a leftover file only
    /// takes space).
    func removeEliminatedCheckpoints(rung: Int) {
        for trial in schedule.eliminated(rung: rung)
        where state.evaluations.allSatisfy({ $0.trial != trial || $0.rung <= rung }) {
            try? FileManager.default.removeItem(at: checkpointURL(trial: trial))
        }
    }
}
