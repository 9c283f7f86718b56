import Testing
import VAECFCompute
import VAECFCore
import VAECFData

@testable import VAECF

@Suite("L2 penalty applied in the Adam pass")
struct PenaltyInOptimizerTests {
    /// One epoch by hand with the penalty in the gradients (`lossAndGradients` and a plain Adam update):
    /// the final parameters and the epoch's mean regularization term.
    static func referenceEpoch(
        dataset: InteractionDataset, configuration: MultVAEConfiguration, training: TrainingConfiguration,
        batches: [ArraySlice<Int>]
    ) -> ([Float], Double) {
        let model = MultVAE(configuration: configuration, seed: training.seed)
        let engine = makeEngine()
        let optimizer = AdamOptimizer(
            parameterCount: model.layout.count, learningRate: training.learningRate, beta1: training.beta1,
            beta2: training.beta2, epsilon: training.epsilon)
        let gradients = FloatBuffer(count: model.layout.count)
        var regularization = 0.0
        for batch in batches {
            let step = optimizer.stepCount
            let loss = engine.lossAndGradients(
                model: model, data: dataset.train, rows: batch, anneal: training.anneal(atStep: step),
                lam: training.lam, noise: .init(seed: training.seed, step: step), gradients: gradients)
            regularization += loss.regularization
            optimizer.update(parameters: model.parameters, gradients: gradients, executor: engine.executor)
        }
        return (model.parameters.array, regularization / Double(batches.count))
    }

    @Test("the trainer's epoch equals one with the penalty in the gradients, within float rounding")
    func matchesPenaltyInGradients() throws {
        let dataset = try smallDataset()
        let configuration = MultVAEConfiguration(itemCount: dataset.itemCount, encoderDimensions: [40, 10])
        var training = smallTraining(epochs: 1)
        training.lam = 0.5
        let trainer = Trainer(dataset: dataset, model: configuration, training: training, engine: makeEngine())
        let (expected, expectedRegularization) = Self.referenceEpoch(
            dataset: dataset, configuration: configuration, training: training, batches: trainer.batches(ofEpoch: 0))
        let summary = try trainer.trainEpoch()
        let parameters = trainer.model.parameters.array
        let largest = zip(parameters, expected).map { abs($0 - $1) }.max() ?? 0
        #expect(largest < 1e-5, "largest difference \(largest)")
        #expect(abs(summary.loss.regularization - expectedRegularization) <= 1e-5 * expectedRegularization)
        // The penalty matters at this lam: without it the weights end elsewhere.
        training.lam = 0
        let unpenalized = Trainer(dataset: dataset, model: configuration, training: training, engine: makeEngine())
        let summaryWithout = try unpenalized.trainEpoch()
        let moved = zip(unpenalized.model.parameters.array, expected).map { abs($0 - $1) }.max() ?? 0
        #expect(moved > 1e-4 && summaryWithout.loss.regularization == 0)
    }

    @Test("a skipped step still reports its penalty")
    func skippedStepReportsPenalty() throws {
        let dataset = try smallDataset()
        let configuration = MultVAEConfiguration(itemCount: dataset.itemCount, encoderDimensions: [16, 6])
        var training = smallTraining(epochs: 1)
        training.lam = 0.5
        func epoch(injecting steps: Set<Int>) throws -> EpochSummary {
            let trainer = Trainer(
                dataset: dataset, model: configuration, training: training, engine: makeEngine(), lossScaling: .dynamic)
            trainer.injectedOverflowSteps = steps
            return try trainer.trainEpoch()
        }
        let clean = try epoch(injecting: [])
        let skipped = try epoch(injecting: [0])
        #expect(skipped.skippedSteps == 1)
        // Step 0's weights are the initial ones in both runs: the same first term; later ones differ slightly.
        #expect(abs(skipped.loss.regularization - clean.loss.regularization) < 0.05 * clean.loss.regularization)
        #expect(skipped.loss.regularization > 0)
    }
}
