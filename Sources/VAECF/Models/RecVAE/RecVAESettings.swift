/// What makes a `MultVAEConfiguration` a RecVAE (Shenbin et al. 2020, "RecVAE: a new variational autoencoder
/// for Top-N recommendations with implicit feedback"; reference code github.com/ilya-shenbin/RecVAE, `model.py`
/// and `run.py`). With these settings the configuration's `encoderDimensions` is `[hidden width, latent size]`.
///
/// The network: the input `x / ||x||` (with inverted dropout in training), then ``hiddenLayers`` densely
/// connected layers of the hidden width, `h_l = LayerNorm(swish(fc_l(h_{l-1}) + h_1 + ... + h_{l-1}))` (LayerNorm
/// with learnable gain and bias, epsilon 0.1), a linear head `mu | logvar`, and one linear decoder layer
/// `latent -> items` with the multinomial likelihood. The KL term uses the composite prior (`CompositePrior`)
/// whose middle component is the posterior of a frozen copy of the encoder (`prior.encoder.*`, refreshed after
/// each encoder phase), weighted per user by `gamma * (the user's interaction count)`.
///
/// Training alternates, per `Trainer` epoch, ``encoderPasses`` passes over the users that update only the
/// encoder (dropout on), the prior refresh, and ``decoderPasses`` passes that update only the decoder (dropout
/// off), each group with its own Adam moments and step count.
///
/// Where this differs from the reference, and why:
/// - Adam is the project's kernel in TensorFlow 1's form (epsilon added to `sqrt(v)` before the bias
///   correction), not PyTorch's (epsilon added after it): one optimizer code path for every model; the two differ
///   only while `sqrt(v)` is near epsilon.
/// - The decoder passes skip the prior's encoder and the KL term, and the encoder passes skip the decoder's weight
///   gradient: neither reaches the parameters that pass updates (the reference computes and then discards them),
///   so the updates are the same with less work.
/// - The epoch's reported loss averages the encoder passes' steps; the reference's training-set NDCG on 1% of the
///   users (a log line) is not computed.
/// - Randomness comes from `RandomSource` streams (initialization with PyTorch's default distributions,
///   shuffles, dropout masks and latent noise per batch row), so runs are bitwise reproducible and resumable.
/// - A model file keeps the prior's frozen encoder (`prior.encoder.*`) as the checkpoint does: one weight layout
///   for both (the serving path never reads it).
/// - One process only (no `mpirun`), and the reference's options `--beta` (a constant KL weight),
///   `--not-alternating` and `--implicitslim` are not offered.
public struct RecVAESettings: Sendable, Codable, Equatable {
    /// Densely connected hidden layers of the encoder (5 in the reference).
    public var hiddenLayers: Int
    /// KL weight per interaction of the user (`--gamma`; 0.005 in the reference's ML-20M command).
    public var gamma: Double
    /// Passes updating the encoder per epoch (the reference's `--n-enc_epochs`, 3).
    public var encoderPasses: Int
    /// Passes updating the decoder per epoch (the reference's `--n-dec_epochs`, 1).
    public var decoderPasses: Int

    /// The reference's settings by default.
    public init(hiddenLayers: Int = 5, gamma: Double = 0.005, encoderPasses: Int = 3, decoderPasses: Int = 1) {
        self.hiddenLayers = hiddenLayers
        self.gamma = gamma
        self.encoderPasses = encoderPasses
        self.decoderPasses = decoderPasses
    }

    /// LayerNorm's epsilon (the reference's `eps=1e-1`).
    public static let layerNormEpsilon: Float = 0.1

    /// The largest number of hidden layers a file may declare.
    public static let maximumHiddenLayers = 64

    /// The first value that no run can use, described; nil when every value is usable.
    public var invalidSetting: String? {
        if !(1...Self.maximumHiddenLayers).contains(hiddenLayers) {
            return "recvae hidden layers is \(hiddenLayers), it must be in 1...\(Self.maximumHiddenLayers)"
        }
        if !(gamma >= 0 && gamma.isFinite) { return "gamma is \(gamma), a finite number >= 0 is needed" }
        if !(1...1000).contains(encoderPasses) || !(1...1000).contains(decoderPasses) {
            return
                "recvae passes are \(encoderPasses) (encoder) and \(decoderPasses) (decoder), each must be in 1...1000"
        }
        return nil
    }

    /// Passes over the training users in one `Trainer` epoch.
    public var passesPerEpoch: Int { encoderPasses + decoderPasses }
}
