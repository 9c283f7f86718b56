import VAECFCompute
import VAECFCore

extension MultVAEEngine {
    /// The evaluation-mode forward pass (no dropout, `z = mu`; Mult-DAE: the encoder's output) of the users `rows` of `foldIn` up to the output
    /// layer: returns its input, `[rows.count, width]` where `width` is the output weight's row count (the
    /// first encoder dimension, or the latent size for a single-layer model). The memory belongs to the
    /// engine and stays valid until its next call.
    ///
    /// Followed by `input * W + b` with the output layer's weight `W [width, items]` and bias `b [items]`, this
    /// is exactly ``scores(model:foldIn:rows:output:)``.
    func outputLayerInput<Rows: Collection>(
        model: MultVAE, foldIn: CSRMatrix, rows: Rows
    ) -> UnsafePointer<Float> where Rows.Element == Int {
        let batchSize = rows.count
        precondition(batchSize > 0, "at least one row is needed")
        if model.configuration.recVAE != nil { return recVAEMeans(model: model, foldIn: foldIn, rows: rows) }
        gatherBatch(foldIn, rows: rows, dropout: nil)
        encode(model: model, rows: batchSize)
        let latentSize = model.configuration.latentDimension
        let encoded = encoderOutputs[model.layout.encoder.count - 1].pointer
        guard model.configuration.variational else {
            return decodeHidden(model: model, input: encoded, rows: batchSize)
        }
        let z = latent.reserve(batchSize * latentSize)
        for row in 0..<batchSize {
            (z + row * latentSize).update(from: encoded + row * 2 * latentSize, count: latentSize)
        }
        return decodeHidden(model: model, input: z, rows: batchSize)
    }

    /// `output[rows, items] = input[rows, width] * W + b` in float32 through the engine's ``GEMM``: the last
    /// step of ``scores(model:foldIn:rows:output:)``, bit for bit.
    func applyOutputLayer(
        model: MultVAE, input: UnsafePointer<Float>, rows: Int, output: UnsafeMutablePointer<Float>
    ) {
        outputLayer(model).forward(parameters: model.parameters.pointer, input: input, output: output, rows: rows)
    }
}
