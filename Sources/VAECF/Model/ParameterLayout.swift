/// One parameter tensor: a view `[rows, columns]` (row-major) into the flat parameter buffer.
public struct ParameterTensor: Sendable, Equatable, Codable {
    /// Dotted name, e.g. `encoder.0.weight`.
    public var name: String
    public var rows: Int
    public var columns: Int
    /// Offset of the first element in the flat buffer.
    public var offset: Int
    /// Kernels (weights) get the L2 penalty; biases do not.
    public var isKernel: Bool

    public var count: Int { rows * columns }
}

/// Where every tensor of a Mult-VAE lives in the one contiguous parameter buffer (and, at the same offsets,
/// in the gradient and optimizer buffers). Layer `l` has a weight `[input, output]` and a bias `[1, output]`.
public struct ParameterLayout: Sendable, Equatable {
    public let tensors: [ParameterTensor]
    /// Total number of floats.
    public let count: Int
    /// Indices into `tensors` of each encoder layer's (weight, bias).
    public let encoder: [(weight: Int, bias: Int)]
    /// Indices into `tensors` of each decoder layer's (weight, bias).
    public let decoder: [(weight: Int, bias: Int)]

    public init(configuration: MultVAEConfiguration) {
        var tensors = [ParameterTensor]()
        var offset = 0
        func add(_ name: String, _ rows: Int, _ columns: Int, kernel: Bool) -> Int {
            tensors.append(ParameterTensor(name: name, rows: rows, columns: columns, offset: offset, isKernel: kernel))
            offset += rows * columns
            return tensors.count - 1
        }
        var encoder = [(weight: Int, bias: Int)]()
        for (index, layer) in configuration.encoderLayers.enumerated() {
            let weight = add("encoder.\(index).weight", layer.input, layer.output, kernel: true)
            let bias = add("encoder.\(index).bias", 1, layer.output, kernel: false)
            encoder.append((weight, bias))
        }
        var decoder = [(weight: Int, bias: Int)]()
        for (index, layer) in configuration.decoderLayers.enumerated() {
            let weight = add("decoder.\(index).weight", layer.input, layer.output, kernel: true)
            let bias = add("decoder.\(index).bias", 1, layer.output, kernel: false)
            decoder.append((weight, bias))
        }
        self.tensors = tensors
        self.count = offset
        self.encoder = encoder
        self.decoder = decoder
    }

    public static func == (lhs: ParameterLayout, rhs: ParameterLayout) -> Bool { lhs.tensors == rhs.tensors }
}
