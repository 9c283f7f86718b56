import Foundation
import VAECFCompute
import VAECFCore
import VAECFData

/// One line of a model comparison: test metrics, training time and size.
public struct ModelComparisonResult: Sendable, Codable, Equatable {
    /// ``ModelKind`` raw value, or `popularity` for the most-popular baseline.
    public var model: String
    /// Test-split metrics (NDCG@100, Recall@20, Recall@50).
    public var test: RankingMetrics
    /// Seconds spent training (or fitting), validation included.
    public var trainingSeconds: Double
    /// Trained floats (the baseline: one count per item).
    public var parameterCount: Int

    /// Bytes of the weights in float32.
    public var weightBytes: Int { parameterCount * MemoryLayout<Float>.size }
}

/// Trains several models on one prepared split with the same settings and measures each on the test users:
/// the autoencoders with ``Trainer`` (best validation weights), EASE with ``EASESolver``, and the most-popular
/// baseline (``PopularityBaseline``).
public struct ModelComparison {
    public var dataset: InteractionDataset
    /// The autoencoders' network (its `variational` flag is set per model).
    public var network: MultVAEConfiguration
    public var training: TrainingConfiguration
    public var easeLambda: Double
    public var engine: MultVAEEngine
    /// RecVAE's training settings (by default its reference preset with `training`'s seed) and settings; its
    /// network takes `network`'s widths and dropout.
    public var recVAETraining: TrainingConfiguration
    public var recVAE: RecVAESettings

    public init(
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
    public func run(_ models: [ModelKind], progress: (ModelComparisonResult) -> Void = { _ in }) throws -> [ModelComparisonResult] {
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
    public func popularity() -> ModelComparisonResult {
        let start = Date()
        let baseline = PopularityBaseline(train: dataset.train)
        let seconds = Date().timeIntervalSince(start)
        let metrics = Evaluator(
            foldIn: dataset.testFoldIn, heldOut: dataset.testHeldOut, batchSize: training.batchSizeValidation,
            executor: engine.executor
        ).evaluate { rows, output in baseline.score(rows: rows, output: output) }
        return ModelComparisonResult(model: "popularity", test: metrics, trainingSeconds: seconds, parameterCount: baseline.itemCount)
    }

    /// Trains (fits) one model and measures it on the test users.
    public func train(_ kind: ModelKind) throws -> ModelComparisonResult {
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
