import ArgumentParser
import VAECF
import VAECFCompute

/// `--precision float32|bfloat16` of the commands whose dense products can run in mixed precision.
struct PrecisionOptions: ParsableArguments {
    @Option(
        help:
            "Inputs of the dense products: float32, or bfloat16 (float32 accumulation, results and weights; needs AVX512-BF16)."
    )
    var precision: ComputePrecision = .float32
}

/// `--loss-scale dynamic|none|<scale>` of the training commands.
struct LossScaleOptions: ParsableArguments {
    @Option(
        name: .customLong("loss-scale"),
        help:
            "Loss scaling: dynamic (start at 2^15, halve and skip the step on NaN or infinite gradients, double after 2000 clean steps), none, or a fixed scale. (default: dynamic with --precision bfloat16, else none)"
    )
    var lossScale: LossScaling?

    /// The mode for a run in `precision`.
    func mode(for precision: ComputePrecision) -> LossScaling {
        lossScale ?? .defaultMode(for: precision)
    }

    /// Refuses a loss scale for a model that trains without one (RecVAE).
    func check(model: ModelKind) throws {
        if model == .recvae, let lossScale, lossScale != .none {
            throw ValidationError("--loss-scale applies to Mult-VAE and Mult-DAE; RecVAE trains without loss scaling")
        }
    }
}

extension LossScaling: ExpressibleByArgument {}

extension ComputePrecision: ExpressibleByArgument {
    /// Parses the option's value as ``init(name:)`` does.
    public init?(argument: String) { self.init(name: argument) }
    /// The names `--help` lists.
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}
