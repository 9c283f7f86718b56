import Foundation

extension ModelFile {
    /// Reads the weights to answer queries with, from a model file or a training checkpoint: the one
    /// loading path of `test`, `recommend`, `serve` (reloads included), `benchmark inference` and `info`.
    ///
    /// A model file is returned as read. A checkpoint gives its best-validation weights (not the last epoch's),
    /// returned as a model with ``notice`` saying so; a checkpoint without a validated epoch yet is refused.
    /// Only the weights used are checked for NaN and infinity.
    /// - Throws: ``ModelFileError`` as ``read(_:check:)`` does, and for a checkpoint without best weights.
    package static func readModel(_ url: URL) throws(ModelFileError) -> ModelFile {
        try read(url, check: .inferenceWeights).usableAsModel()
    }

    /// This file as a model: itself, or for a checkpoint its best-validation weights with a ``notice``.
    /// - Throws: ``ModelFileError`` for a checkpoint that has not been validated yet.
    package func usableAsModel() throws(ModelFileError) -> ModelFile {
        guard header.kind == .checkpoint else { return self }
        guard header.bestEpoch >= 0, let bestParameters else {
            throw .noBestWeights(path: path)
        }
        var model = ModelFile(header: header, parameters: bestParameters, optimizer: nil, bestParameters: nil)
        model.header.kind = .model
        model.path = path
        model.trainingUsers = trainingUsers
        model.notice = Self.checkpointNotice(path: path, bestEpoch: header.bestEpoch)
        return model
    }

    /// "x.checkpoint is a training checkpoint: using its best-validation weights (epoch N)".
    package static func checkpointNotice(path: String, bestEpoch: Int) -> String {
        "\(path) is a training checkpoint: using its best-validation weights (epoch \(bestEpoch + 1))"
    }
}
