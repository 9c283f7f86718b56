import Foundation
import VAECFCompute
import VAECFCore

/// A trained model of any ``ModelKind``, behind the one contract that `test`, `recommend`, `serve`, `info` and
/// `compare` use: it is read from and written to a ``ModelFile`` and scores batches of users (rows of a
/// fold-in matrix), higher first, with the fold-in items excluded by the caller (`Evaluator`,
/// ``Recommender``).
package enum TrainedModel: Sendable {
    /// Mult-VAE, Mult-DAE or RecVAE (`MultVAEConfiguration.variational`, `MultVAEConfiguration.recVAE`).
    case autoencoder(MultVAE)
    case ease(EASEModel)

    /// The model a file holds (its ``ModelFile/parameters``).
    package init(file: ModelFile) {
        if file.header.resolvedKind == .ease {
            self = .ease(
                EASEModel(
                    itemCount: file.header.model.itemCount, lambda: file.header.easeLambda ?? 0,
                    weights: file.parameters))
        } else {
            self = .autoencoder(file.makeModel())
        }
    }

    package var kind: ModelKind {
        switch self {
        case .autoencoder(let model): return ModelKind(configuration: model.configuration)
        case .ease: return .ease
        }
    }

    package var itemCount: Int {
        switch self {
        case .autoencoder(let model): return model.configuration.itemCount
        case .ease(let model): return model.itemCount
        }
    }

    /// Number of trained floats.
    package var parameterCount: Int {
        switch self {
        case .autoencoder(let model): return model.layout.count
        case .ease(let model): return model.weights.count
        }
    }

    /// Writes the scores of the users `rows` of `foldIn` into `output` (`[rows.count, items]`): the output
    /// logits of an autoencoder (evaluation mode), `x B` for EASE. Uses `engine`'s GEMM and workers.
    package func scores(
        engine: MultVAEEngine, foldIn: CSRMatrix, rows: Range<Int>, output: UnsafeMutablePointer<Float>
    ) {
        switch self {
        case .autoencoder(let model): engine.scores(model: model, foldIn: foldIn, rows: rows, output: output)
        case .ease(let model): model.scores(foldIn: foldIn, rows: rows, output: output, executor: engine.executor)
        }
    }

    /// Ranking metrics on a fold-in / held-out pair (`Evaluator`), `batchSize` users scored at a time.
    package func evaluate(
        engine: MultVAEEngine, foldIn: CSRMatrix, heldOut: CSRMatrix, batchSize: Int,
        cutoffs: RankingCutoffs = .standard
    ) -> RankingMetrics {
        Evaluator(foldIn: foldIn, heldOut: heldOut, batchSize: batchSize, executor: engine.executor, cutoffs: cutoffs)
            .evaluate { rows, output in scores(engine: engine, foldIn: foldIn, rows: rows, output: output) }
    }
}

extension EASEModel {
    /// The model as a file for `test`, `recommend` and `serve` (one weight block, `B`).
    package func modelFile(
        itemIDs: [String], datasetFingerprint: String, validation: RankingMetrics?, gemm: GEMM, threads: Int
    ) -> ModelFile {
        let header = ModelFile.Header(
            kind: .model, model: MultVAEConfiguration(itemCount: itemCount), training: nil, itemIDs: itemIDs,
            datasetFingerprint: datasetFingerprint, epoch: 1, step: 0, bestEpoch: validation == nil ? -1 : 0,
            validation: validation, backend: gemm.backendName, threads: threads, modelKind: .ease, easeLambda: lambda)
        return ModelFile(header: header, parameters: weights.array, optimizer: nil, bestParameters: nil)
    }
}
