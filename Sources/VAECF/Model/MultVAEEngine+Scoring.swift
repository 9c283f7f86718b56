import VAECFCompute
import VAECFCore

extension MultVAEEngine {
    /// Scores every item for the users `rows` of `foldIn` in evaluation mode (no dropout, `z = mu`):
    /// writes the output logits `[rows.count, items]` into `output`. Ranking by logits equals ranking by
    /// the softmax.
    package func scores<Rows: Collection>(
        model: MultVAE, foldIn: CSRMatrix, rows: Rows, output: UnsafeMutablePointer<Float>
    ) where Rows.Element == Int {
        guard !rows.isEmpty else { return }
        let hidden = outputLayerInput(model: model, foldIn: foldIn, rows: rows)
        applyOutputLayer(model: model, input: hidden, rows: rows.count, output: output)
    }
}
