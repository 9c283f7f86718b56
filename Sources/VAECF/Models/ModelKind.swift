/// The kinds of model `vaecf` trains, saves, evaluates and serves through one contract (`TrainedModel`).
public enum ModelKind: String, Sendable, Codable, CaseIterable {
    /// Mult-VAE (Liang et al. 2018): the variational autoencoder with the annealed KL term.
    case multvae
    /// Mult-DAE (same paper): the denoising autoencoder, same network without sampling or KL term.
    case multdae
    /// EASE (Steck 2019): the closed-form item-item model `B = I - P diagMat(1 / diag(P))`.
    case ease
    /// RecVAE (Shenbin et al. 2020): a deeper encoder, the composite prior and alternating updates
    /// (``RecVAESettings``).
    case recvae

    /// The name in papers and tables.
    public var displayName: String {
        switch self {
        case .multvae: return "Mult-VAE"
        case .multdae: return "Mult-DAE"
        case .ease: return "EASE"
        case .recvae: return "RecVAE"
        }
    }

    /// The autoencoder kind a network configuration describes.
    package init(configuration: MultVAEConfiguration) {
        self = configuration.recVAE != nil ? .recvae : (configuration.variational ? .multvae : .multdae)
    }

    /// Whether it is an autoencoder trained by gradient steps (`MultVAE`, `Trainer`).
    public var isAutoencoder: Bool { self != .ease }
}
