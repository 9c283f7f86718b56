import Foundation

/// The configuration a search chose and its metrics on the test users.
package struct TuningChoice: Sendable {
    /// The chosen trial's evaluation at the deepest rung reached.
    package var evaluation: TuningEvaluation
    /// Its configuration, with the epochs it was trained for.
    package var configuration: RunConfiguration
    /// Test-split metrics of its model: the only test metrics a search computes.
    package var test: RankingMetrics
    /// Whether the model was trained again (its checkpoint was missing or further along) rather than read
    /// from the trial's checkpoint.
    package var retrained: Bool

    /// The configuration file for `train --config`.
    package var file: RunConfigurationFile {
        RunConfigurationFile(
            configuration: configuration, validation: evaluation.validation,
            source:
                "vaecf tune: trial \(evaluation.trial + 1), rung \(evaluation.rung + 1), \(evaluation.epochs) epochs")
    }
}

extension Tuner {
    /// The choice (``SuccessiveHalving/choice``) measured on the test users: the trial's best-validation
    /// weights from its checkpoint, or the configuration trained again (EASE: fitted again).
    /// - Throws: ``TuningError/nothingEvaluated`` before any evaluation.
    package func testChoice() throws -> TuningChoice {
        guard let evaluation = schedule.choice else { throw TuningError.nothingEvaluated }
        let configuration = plan.configuration(values: state.trials[evaluation.trial], epochs: evaluation.epochs)
        let (model, retrained) = try chosenModel(trial: evaluation.trial, configuration: configuration)
        let test = model.evaluate(
            engine: engine, foldIn: dataset.testFoldIn, heldOut: dataset.testHeldOut,
            batchSize: configuration.training.batchSizeValidation)
        return TuningChoice(evaluation: evaluation, configuration: configuration, test: test, retrained: retrained)
    }

    /// The chosen trial's model and whether it had to be trained again.
    func chosenModel(trial: Int, configuration: RunConfiguration) throws -> (TrainedModel, Bool) {
        guard plan.model.isAutoencoder else {
            return (.ease(try easeSolver(configuration).fit(train: dataset.train).model), true)
        }
        let url = checkpointURL(trial: trial)
        if FileManager.default.fileExists(atPath: url.path) {
            let checkpoint = try ModelFile.read(url)
            if checkpoint.header.epoch == configuration.training.epochs, let best = checkpoint.bestParameters,
                Self.checkpoint(checkpoint, belongsTo: configuration, itemCount: dataset.itemCount)
            {
                return (.autoencoder(MultVAE(configuration: checkpoint.header.model, parameters: best)), false)
            }
        }
        let trainer = Trainer(
            dataset: dataset, model: configuration.network(itemCount: dataset.itemCount),
            training: configuration.training, engine: engine)
        return (.autoencoder(try trainer.run(checkpoint: nil) { _ in }), true)
    }
}
