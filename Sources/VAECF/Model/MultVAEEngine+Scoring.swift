import VAECFCompute
import VAECFCore

extension MultVAEEngine {
    /// Scores every item for the users `rows` of `foldIn` in evaluation mode (no dropout, `z = mu`):
    /// writes the output logits `[rows.count, items]` into `output`. Ranking by logits equals ranking by
    /// the softmax.
    public func scores<Rows: Collection>(
        model: MultVAE, foldIn: CSRMatrix, rows: Rows, output: UnsafeMutablePointer<Float>
    ) where Rows.Element == Int {
        let batchSize = rows.count
        guard batchSize > 0 else { return }
        _ = gatherBatch(foldIn, rows: rows, dropout: nil)
        encode(model: model, rows: batchSize)
        let latentSize = model.configuration.latentDimension
        let encoded = encoderOutputs[model.layout.encoder.count - 1].pointer
        let z = latent.reserve(batchSize * latentSize)
        for row in 0..<batchSize {
            (z + row * latentSize).update(from: encoded + row * 2 * latentSize, count: latentSize)
        }
        let hidden = decodeHidden(model: model, input: z, rows: batchSize)
        let outputLayer = model.layout.decoder[model.layout.decoder.count - 1]
        denseForward(
            model: model, weight: outputLayer.weight, bias: outputLayer.bias, input: hidden, rows: batchSize,
            output: output, linear: true)
    }

    /// The posterior means `mu` `[rows.count, latent]` of the users `rows` of `foldIn`.
    public func latentMeans<Rows: Collection>(model: MultVAE, foldIn: CSRMatrix, rows: Rows) -> [[Float]]
    where Rows.Element == Int {
        let batchSize = rows.count
        guard batchSize > 0 else { return [] }
        _ = gatherBatch(foldIn, rows: rows, dropout: nil)
        encode(model: model, rows: batchSize)
        let latentSize = model.configuration.latentDimension
        let encoded = encoderOutputs[model.layout.encoder.count - 1].pointer
        return (0..<batchSize).map { Array(UnsafeBufferPointer(start: encoded + $0 * 2 * latentSize, count: latentSize)) }
    }
}
