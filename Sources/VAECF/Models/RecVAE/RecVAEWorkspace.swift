/// The scratch memory of RecVAE's passes, owned by a ``MultVAEEngine`` (grown to the largest batch, then
/// reused: the step loop allocates nothing).
final class RecVAEWorkspace: @unchecked Sendable {
    // @unchecked Sendable: used only by the engine that owns it, which one thread drives at a time (see
    // ``MultVAEEngine``); parallel loops write disjoint rows and join before the next step reads them.
    /// Per hidden layer: the pre-activation `s`, the normalized `xhat` and the output `h` (`[rows, hidden]`),
    /// and `1 / sqrt(var + eps)` per row.
    var preActivations: [ScratchBuffer<Float>] = []
    var normalized: [ScratchBuffer<Float>] = []
    var hidden: [ScratchBuffer<Float>] = []
    var inverseDeviations: [ScratchBuffer<Float>] = []
    /// `mu | logvar` of the encoder and of the prior's frozen encoder, `[rows, 2 x latent]`.
    let encoded = ScratchBuffer<Float>()
    let previousEncoded = ScratchBuffer<Float>()
    /// The sampled latent code and its standard-normal noise, `[rows, latent]`.
    let latent = ScratchBuffer<Float>()
    let noise = ScratchBuffer<Float>()
    /// Gradients: of `z`, of `mu | logvar`, and three `[rows, hidden]` buffers for the encoder's layers.
    let gradientLatent = ScratchBuffer<Float>()
    let gradientEncoded = ScratchBuffer<Float>()
    let gradientHidden = ScratchBuffer<Float>()
    let gradientPreActivation = ScratchBuffer<Float>()
    let gradientResidual = ScratchBuffer<Float>()
    /// Per row: the weighted KL term and the likelihood term.
    let divergences = ScratchBuffer<Double>()
    let losses = ScratchBuffer<Double>()

    /// Makes room for `layers` hidden layers of `[rows, width]`.
    func reserveLayers(_ layers: Int, rows: Int, width: Int) {
        while preActivations.count < layers {
            preActivations.append(ScratchBuffer<Float>())
            normalized.append(ScratchBuffer<Float>())
            hidden.append(ScratchBuffer<Float>())
            inverseDeviations.append(ScratchBuffer<Float>())
        }
        for layer in 0..<layers {
            _ = preActivations[layer].reserve(rows * width)
            _ = normalized[layer].reserve(rows * width)
            _ = hidden[layer].reserve(rows * width)
            _ = inverseDeviations[layer].reserve(rows)
        }
    }
}

/// Which parameters a RecVAE step computes gradients for (and the optimizer then updates).
package enum RecVAEPhase: Sendable, Equatable {
    /// The encoder, with dropout and the whole objective (likelihood and composite-prior KL term).
    case encoder
    /// The decoder, without dropout; only the likelihood depends on it.
    case decoder
}
