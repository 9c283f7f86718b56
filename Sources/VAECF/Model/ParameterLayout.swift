/// One parameter tensor: a view `[rows, columns]` (row-major) into the flat parameter buffer.
package struct ParameterTensor: Sendable, Equatable, Codable {
    /// Dotted name, e.g. `encoder.0.weight`.
    package var name: String
    package var rows: Int
    package var columns: Int
    /// Offset of the first element in the flat buffer.
    package var offset: Int
    /// Kernels (weights) get the L2 penalty; biases do not.
    package var isKernel: Bool

    package var count: Int { rows * columns }
}

/// Where every tensor of a Mult-VAE lives in the one contiguous parameter buffer (and, at the same offsets,
/// in the gradient and optimizer buffers). Layer `l` has a weight `[input, output]` and a bias `[1, output]`.
package struct ParameterLayout: Sendable, Equatable {
    package let tensors: [ParameterTensor]
    /// Total number of floats.
    package let count: Int
    /// Indices into `tensors` of each encoder layer's (weight, bias).
    package let encoder: [(weight: Int, bias: Int)]
    /// Indices into `tensors` of each decoder layer's (weight, bias).
    package let decoder: [(weight: Int, bias: Int)]
    /// RecVAE: indices of each hidden layer's LayerNorm (gain, bias); empty for Mult-VAE and Mult-DAE.
    package let normalizations: [(gain: Int, bias: Int)]
    /// The floats of the encoder (`0 ..< count`) and of the decoder (`encoderParameters.upperBound ..<`).
    package let encoderParameters: Range<Int>
    package let decoderParameters: Range<Int>
    /// RecVAE: where the frozen copy of the encoder (the prior's `encoder_old`, tensors `prior.encoder.*`)
    /// starts; its tensors follow in the encoder's order and sizes. Nil for the other models.
    package let previousEncoderOffset: Int?

    /// The kernels' ranges in the flat buffer, in order: where the L2 penalty applies.
    package var kernelRanges: [Range<Int>] {
        tensors.filter(\.isKernel).map { $0.offset..<($0.offset + $0.count) }
    }

    package init(configuration: MultVAEConfiguration) {
        if let recVAE = configuration.recVAE {
            self = ParameterLayout(recVAE: recVAE, configuration: configuration)
            return
        }
        var list = TensorList()
        var encoder = [(weight: Int, bias: Int)]()
        for (index, layer) in configuration.encoderLayers.enumerated() {
            let weight = list.add("encoder.\(index).weight", layer.input, layer.output, kernel: true)
            let bias = list.add("encoder.\(index).bias", 1, layer.output, kernel: false)
            encoder.append((weight, bias))
        }
        var decoder = [(weight: Int, bias: Int)]()
        for (index, layer) in configuration.decoderLayers.enumerated() {
            let weight = list.add("decoder.\(index).weight", layer.input, layer.output, kernel: true)
            let bias = list.add("decoder.\(index).bias", 1, layer.output, kernel: false)
            decoder.append((weight, bias))
        }
        tensors = list.tensors
        count = list.offset
        self.encoder = encoder
        self.decoder = decoder
        normalizations = []
        let encoderEnd = tensors[decoder[0].weight].offset
        encoderParameters = 0..<encoderEnd
        decoderParameters = encoderEnd..<count
        previousEncoderOffset = nil
    }

    /// RecVAE's layout: `encoder.L.{weight, bias, norm.gain, norm.bias}` for each hidden layer, `encoder.head`
    /// (`[hidden, 2 x latent]`, `mu | logvar`), `decoder.0` (`[latent, items]`), then `prior.encoder.*`, the
    /// frozen copy of every encoder tensor.
    init(recVAE: RecVAESettings, configuration: MultVAEConfiguration) {
        var list = TensorList()
        let hidden = configuration.encoderDimensions[0]
        let latent = configuration.latentDimension
        var encoder = [(weight: Int, bias: Int)]()
        var normalizations = [(gain: Int, bias: Int)]()
        for layer in 0..<recVAE.hiddenLayers {
            let input = layer == 0 ? configuration.itemCount : hidden
            encoder.append(
                (
                    list.add("encoder.\(layer).weight", input, hidden, kernel: true),
                    list.add("encoder.\(layer).bias", 1, hidden, kernel: false)
                ))
            normalizations.append(
                (
                    list.add("encoder.\(layer).norm.gain", 1, hidden, kernel: false),
                    list.add("encoder.\(layer).norm.bias", 1, hidden, kernel: false)
                ))
        }
        encoder.append(
            (
                list.add("encoder.head.weight", hidden, 2 * latent, kernel: true),
                list.add("encoder.head.bias", 1, 2 * latent, kernel: false)
            ))
        let encoderEnd = list.offset
        let decoder = [
            (
                list.add("decoder.0.weight", latent, configuration.itemCount, kernel: true),
                list.add("decoder.0.bias", 1, configuration.itemCount, kernel: false)
            )
        ]
        let decoderEnd = list.offset
        for tensor in list.tensors[0..<(encoder.last!.bias + 1)] {
            _ = list.add("prior." + tensor.name, tensor.rows, tensor.columns, kernel: false)
        }
        tensors = list.tensors
        count = list.offset
        self.encoder = encoder
        self.decoder = decoder
        self.normalizations = normalizations
        encoderParameters = 0..<encoderEnd
        decoderParameters = encoderEnd..<decoderEnd
        previousEncoderOffset = decoderEnd
    }

    package static func == (lhs: ParameterLayout, rhs: ParameterLayout) -> Bool { lhs.tensors == rhs.tensors }
}

/// Tensors appended one after another in a flat buffer.
private struct TensorList {
    var tensors = [ParameterTensor]()
    var offset = 0

    /// Appends a `[rows, columns]` tensor and returns its index.
    mutating func add(_ name: String, _ rows: Int, _ columns: Int, kernel: Bool) -> Int {
        tensors.append(ParameterTensor(name: name, rows: rows, columns: columns, offset: offset, isKernel: kernel))
        offset += rows * columns
        return tensors.count - 1
    }
}
