import VAECFCompute

/// The shape of a Mult-VAE: encoder `[items -> hidden... -> 2 x latent]`, decoder `[latent -> hidden reversed
/// -> items]`, the hidden nonlinearity and the input keep probability.
///
/// With `variational == false` it is the paper's Mult-DAE instead: the encoder ends in `latent` units (not
/// `mu | logvar`) with the hidden activation, the decoder reads them directly, and there is no KL term and no
/// sampling.
package struct MultVAEConfiguration: Sendable, Codable, Equatable {
    /// Number of items: width of the input and of the output logits.
    package var itemCount: Int
    /// Encoder widths after the input: hidden layers, then the latent size (the reference's `[600, 200]`).
    package var encoderDimensions: [Int]
    /// Hidden-layer activation.
    package var activation: Activation
    /// Probability that an input entry is kept by dropout in training (0.5 in the reference).
    package var keepProbability: Double
    /// Mult-VAE (`true`) or Mult-DAE (`false`). Stored in a model file only when `false`, so Mult-VAE headers
    /// are those of earlier versions and files without the field load as Mult-VAE.
    package var variational: Bool
    /// Set for a RecVAE (``RecVAESettings``): `encoderDimensions` is then `[hidden width, latent size]`, and
    /// `activation` and `variational` do not apply (swish, always variational). Stored only when set.
    package var recVAE: RecVAESettings?

    package init(
        itemCount: Int, encoderDimensions: [Int] = [600, 200], activation: Activation = .tanh,
        keepProbability: Double = 0.5, variational: Bool = true, recVAE: RecVAESettings? = nil
    ) {
        precondition(
            !encoderDimensions.isEmpty && encoderDimensions.allSatisfy { $0 > 0 }, "invalid encoder dimensions")
        precondition(itemCount > 0, "itemCount must be positive")
        self.itemCount = itemCount
        self.encoderDimensions = encoderDimensions
        self.activation = activation
        self.keepProbability = keepProbability
        self.variational = variational
        self.recVAE = recVAE
        precondition(
            recVAE == nil || (encoderDimensions.count == 2 && variational), "a RecVAE has [hidden, latent] dimensions")
    }

    private enum CodingKeys: String, CodingKey {
        case itemCount, encoderDimensions, activation, keepProbability, variational, recVAE
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        itemCount = try container.decode(Int.self, forKey: .itemCount)
        encoderDimensions = try container.decode([Int].self, forKey: .encoderDimensions)
        activation = try container.decode(Activation.self, forKey: .activation)
        keepProbability = try container.decode(Double.self, forKey: .keepProbability)
        variational = try container.decodeIfPresent(Bool.self, forKey: .variational) ?? true
        recVAE = try container.decodeIfPresent(RecVAESettings.self, forKey: .recVAE)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(itemCount, forKey: .itemCount)
        try container.encode(encoderDimensions, forKey: .encoderDimensions)
        try container.encode(activation, forKey: .activation)
        try container.encode(keepProbability, forKey: .keepProbability)
        if !variational { try container.encode(variational, forKey: .variational) }
        try container.encodeIfPresent(recVAE, forKey: .recVAE)
    }

    /// Width of the encoder's last layer: `2 x latent` (`mu | logvar`) for Mult-VAE, `latent` for Mult-DAE.
    package var encodedWidth: Int { variational ? 2 * latentDimension : latentDimension }

    /// Size of the latent code.
    package var latentDimension: Int { encoderDimensions.last! }

    /// `(input, output)` widths of the encoder layers: `items -> d0 -> ... -> 2 * latent` (`latent` for Mult-DAE).
    package var encoderLayers: [(input: Int, output: Int)] {
        var widths = [itemCount] + encoderDimensions
        widths[widths.count - 1] = encodedWidth
        return (0..<(widths.count - 1)).map { (widths[$0], widths[$0 + 1]) }
    }

    /// `(input, output)` widths of the decoder layers: `latent -> ... -> d0 -> items`.
    package var decoderLayers: [(input: Int, output: Int)] {
        let widths = Array(encoderDimensions.reversed()) + [itemCount]
        return (0..<(widths.count - 1)).map { (widths[$0], widths[$0 + 1]) }
    }
}
