import VAECFCompute

/// The shape of a Mult-VAE: encoder `[items -> hidden... -> 2 x latent]`, decoder `[latent -> hidden reversed
/// -> items]`, the hidden nonlinearity and the input keep probability.
public struct MultVAEConfiguration: Sendable, Codable, Equatable {
    /// Number of items: width of the input and of the output logits.
    public var itemCount: Int
    /// Encoder widths after the input: hidden layers, then the latent size (the reference's `[600, 200]`).
    public var encoderDimensions: [Int]
    /// Hidden-layer activation.
    public var activation: Activation
    /// Probability that an input entry is kept by dropout in training (0.5 in the reference).
    public var keepProbability: Double

    public init(itemCount: Int, encoderDimensions: [Int] = [600, 200], activation: Activation = .tanh,
                keepProbability: Double = 0.5) {
        precondition(!encoderDimensions.isEmpty && encoderDimensions.allSatisfy { $0 > 0 }, "invalid encoder dimensions")
        precondition(itemCount > 0, "itemCount must be positive")
        self.itemCount = itemCount
        self.encoderDimensions = encoderDimensions
        self.activation = activation
        self.keepProbability = keepProbability
    }

    /// Size of the latent code.
    public var latentDimension: Int { encoderDimensions.last! }

    /// `(input, output)` widths of the encoder layers: `items -> d0 -> ... -> 2 * latent`.
    public var encoderLayers: [(input: Int, output: Int)] {
        var widths = [itemCount] + encoderDimensions
        widths[widths.count - 1] = 2 * latentDimension
        return (0..<(widths.count - 1)).map { (widths[$0], widths[$0 + 1]) }
    }

    /// `(input, output)` widths of the decoder layers: `latent -> ... -> d0 -> items`.
    public var decoderLayers: [(input: Int, output: Int)] {
        let widths = Array(encoderDimensions.reversed()) + [itemCount]
        return (0..<(widths.count - 1)).map { (widths[$0], widths[$0 + 1]) }
    }
}
