import VAECFCore

/// A Mult-VAE: its configuration and all its parameters in one contiguous buffer.
///
/// Kernels are Glorot-uniform, biases truncated normal with standard deviation 0.001, as in the reference.
package final class MultVAE: @unchecked Sendable {
    // @unchecked Sendable: its parameters are written only by the trainer that owns it, one step at a time;
    // a model that is shared (served, evaluated) is no longer trained.
    package let configuration: MultVAEConfiguration
    package let layout: ParameterLayout
    /// All parameters, `[layout.count]`; tensor `t` is `parameters.pointer + layout.tensors[t].offset`.
    package let parameters: FloatBuffer

    /// A freshly initialized model; every value comes from `RandomSource(seed:stream:)`.
    package init(configuration: MultVAEConfiguration, seed: UInt64) {
        self.configuration = configuration
        layout = ParameterLayout(configuration: configuration)
        parameters = FloatBuffer(count: layout.count)
        var random = RandomSource(seed: seed, stream: 0x1A17)
        if configuration.recVAE != nil {
            initializeRecVAE(random: &random)
            return
        }
        for tensor in layout.tensors {
            let destination = parameters.pointer + tensor.offset
            if tensor.isKernel {
                let limit = (6.0 / Double(tensor.rows + tensor.columns)).squareRoot()
                for index in 0..<tensor.count { destination[index] = Float((2 * random.nextDouble() - 1) * limit) }
            } else {
                for index in 0..<tensor.count {
                    var value = random.nextGaussian()
                    while abs(value) > 2 { value = random.nextGaussian() }
                    destination[index] = Float(0.001 * value)
                }
            }
        }
    }

    /// A model with the given parameter values (`[layout.count]`).
    package init(configuration: MultVAEConfiguration, parameters values: [Float]) {
        self.configuration = configuration
        layout = ParameterLayout(configuration: configuration)
        precondition(values.count == layout.count, "expected \(layout.count) parameters, got \(values.count)")
        parameters = FloatBuffer(values)
    }

    /// Start of tensor `index` in the parameter buffer.
    @inlinable package func tensor(_ index: Int) -> UnsafeMutablePointer<Float> {
        parameters.pointer + layout.tensors[index].offset
    }
}
