import Foundation
import VAECFCompute
import VAECFCore
import VAECFData

/// One line of a model comparison: test metrics, training time and size.
package struct ModelComparisonResult: Sendable, Codable, Equatable {
    /// ``ModelKind`` raw value, or `popularity` for the most-popular baseline.
    package var model: String
    /// Test-split metrics (NDCG@100, Recall@20, Recall@50).
    package var test: RankingMetrics
    /// Seconds spent training (or fitting), validation included.
    package var trainingSeconds: Double
    /// Trained floats (the baseline: one count per item).
    package var parameterCount: Int

    /// Bytes of the weights in float32.
    package var weightBytes: Int { parameterCount * MemoryLayout<Float>.size }
}

/// Trains several models on one prepared split with the same settings and measures each on the test users:
/// the autoencoders with `Trainer` (best validation weights), EASE with ``EASESolver``, and the most-popular
/// baseline (``PopularityBaseline``).
package struct ModelComparison {
    package var dataset: InteractionDataset
    /// The autoencoders' network (its `variational` flag is set per model).
    package var network: MultVAEConfiguration
    package var training: TrainingConfiguration
    package var easeLambda: Double
    package var engine: MultVAEEngine
    /// RecVAE's training settings (by default its reference preset with `training`'s seed) and settings; its
    /// network takes `network`'s widths and dropout.
    package var recVAETraining: TrainingConfiguration
    package var recVAE: RecVAESettings

    package init(
        dataset: InteractionDataset, network: MultVAEConfiguration, training: TrainingConfiguration,
        easeLambda: Double, engine: MultVAEEngine, recVAETraining: TrainingConfiguration? = nil,
        recVAE: RecVAESettings = RecVAESettings()
    ) {
        self.dataset = dataset
        self.network = network
        self.training = training
        self.easeLambda = easeLambda
        self.engine = engine
        self.recVAETraining = recVAETraining ?? TrainingConfiguration(preset: .recvae, seed: training.seed)
        self.recVAE = recVAE
    }

    /// The most-popular baseline first, then `models` in order; `progress` hears each result as it comes.
    package func run(
        _ models: [ModelKind], progress: (ModelComparisonResult) -> Void = { _ in }
    ) throws -> [ModelComparisonResult] {
        var results = [popularity()]
        progress(results[0])
        for kind in models {
            let result = try train(kind)
            progress(result)
            results.append(result)
        }
        return results
    }

    /// The most-popular baseline's line (no training: counting the items is its fit).
    package func popularity() -> ModelComparisonResult {
        let start = Date()
        let baseline = PopularityBaseline(train: dataset.train)
        let seconds = Date().timeIntervalSince(start)
        let metrics = Evaluator(
            foldIn: dataset.testFoldIn, heldOut: dataset.testHeldOut, batchSize: training.batchSizeValidation,
            executor: engine.executor
        ).evaluate { rows, output in baseline.score(rows: rows, output: output) }
        return ModelComparisonResult(
            model: "popularity", test: metrics, trainingSeconds: seconds, parameterCount: baseline.itemCount)
    }

    /// Trains (fits) one model and measures it on the test users.
    package func train(_ kind: ModelKind) throws -> ModelComparisonResult {
        let start = Date()
        let model: TrainedModel
        switch kind {
        case .multvae, .multdae:
            var configuration = network
            configuration.variational = kind == .multvae
            let trainer = Trainer(dataset: dataset, model: configuration, training: training, engine: engine)
            model = .autoencoder(try trainer.run(checkpoint: nil) { _ in })
        case .recvae:
            let configuration = MultVAEConfiguration(
                itemCount: network.itemCount, encoderDimensions: network.encoderDimensions,
                keepProbability: network.keepProbability, recVAE: recVAE)
            let trainer = Trainer(dataset: dataset, model: configuration, training: recVAETraining, engine: engine)
            model = .autoencoder(try trainer.run(checkpoint: nil) { _ in })
        case .ease:
            let solver = EASESolver(lambda: easeLambda, gemm: engine.gemm, executor: engine.executor)
            model = .ease(try solver.fit(train: dataset.train).model)
        }
        let seconds = Date().timeIntervalSince(start)
        let metrics = model.evaluate(
            engine: engine, foldIn: dataset.testFoldIn, heldOut: dataset.testHeldOut,
            batchSize: training.batchSizeValidation)
        return ModelComparisonResult(
            model: kind.rawValue, test: metrics, trainingSeconds: seconds, parameterCount: model.parameterCount)
    }
}
