extension TrainingCost {
    /// The exact matrix-product count of RecVAE epochs (multiply and add counted separately), `encoderPasses`
    /// and `decoderPasses` passes over `users` users holding `entries` stored interactions, in `updates`
    /// updates in all. An encoder pass runs the prior's frozen encoder forward, the encoder forward and back,
    /// the decoder forward and the decoder's input gradient; a decoder pass runs the encoder forward, the
    /// decoder forward and its weight gradient. Terms as ``init(configuration:users:entries:updates:)`` counts them.
    package static func recVAE(
        configuration: MultVAEConfiguration, encoderPasses: Int, decoderPasses: Int, users: Int, entries: Int,
        updates: Int
    ) -> TrainingCost {
        let hiddenLayers = configuration.recVAE?.hiddenLayers ?? 1
        let (items, hidden, latent) = (
            Double(configuration.itemCount), Double(configuration.encoderDimensions[0]),
            Double(configuration.latentDimension)
        )
        let (b, e) = (Double(users), Double(entries))
        let (encoder, decoder) = (Double(encoderPasses), Double(decoderPasses))
        let sparse = 2 * e * hidden
        let dense = 2 * b * hidden * hidden * Double(hiddenLayers - 1)
        let head = 2 * b * hidden * 2 * latent
        let output = 2 * b * latent * items
        let terms = [
            Term(name: "encoder forward (prior copy, encoder passes)", operations: encoder * (sparse + dense + head)),
            Term(name: "encoder forward (every pass)", operations: (encoder + decoder) * (sparse + dense + head)),
            Term(name: "encoder weight gradients (encoder passes)", operations: encoder * (sparse + dense + head)),
            Term(name: "encoder input gradients (encoder passes)", operations: encoder * (dense + head)),
            Term(
                name: "decoder [\(configuration.latentDimension) x \(configuration.itemCount)] forward (every pass)",
                operations: (encoder + decoder) * output),
            Term(name: "decoder input gradient (encoder passes)", operations: encoder * output),
            Term(name: "decoder weight gradient (decoder passes)", operations: decoder * output),
        ]
        let parameters = Double(ParameterLayout(configuration: configuration).count)
        // Softmax: ~6 per logit; swish, LayerNorm and their gradients: ~20 per hidden value; Adam: ~12 per parameter.
        let elementwise =
            (encoder + decoder) * b * (items * 6 + hidden * Double(hiddenLayers) * 20)
            + Double(updates) * parameters * 12
        return TrainingCost(terms: terms, elementwiseOperations: elementwise)
    }

    init(terms: [Term], elementwiseOperations: Double) {
        self.terms = terms
        self.elementwiseOperations = elementwiseOperations
    }
}
