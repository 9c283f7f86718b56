import VAECFCore

extension MultVAE {
    /// RecVAE's initialization, PyTorch's defaults as in the reference: each linear layer's weight and bias
    /// uniform in `+-1 / sqrt(fan in)`, LayerNorm gains 1 and biases 0. The prior's frozen encoder is
    /// initialized on its own (the reference's `encoder_old` is a separately initialized `Encoder` until the
    /// first refresh), all from `random`.
    func initializeRecVAE(random: inout RandomSource) {
        var fanIn = 1
        for tensor in layout.tensors {
            let destination = parameters.pointer + tensor.offset
            let baseName = tensor.name.hasPrefix("prior.") ? String(tensor.name.dropFirst(6)) : tensor.name
            if baseName.hasSuffix(".norm.gain") {
                destination.update(repeating: 1, count: tensor.count)
                continue
            }
            if baseName.hasSuffix(".norm.bias") {
                destination.update(repeating: 0, count: tensor.count)
                continue
            }
            if tensor.name.hasSuffix(".weight") { fanIn = tensor.rows }
            let limit = 1 / Double(fanIn).squareRoot()
            for index in 0..<tensor.count { destination[index] = Float((2 * random.nextDouble() - 1) * limit) }
        }
    }

    /// RecVAE's prior refresh (the reference's `update_prior`): the frozen encoder becomes a copy of the encoder.
    package func refreshRecVAEPrior() {
        guard let previous = layout.previousEncoderOffset else { return }
        (parameters.pointer + previous).update(
            from: parameters.pointer + layout.encoderParameters.lowerBound, count: layout.encoderParameters.count)
    }
}
