import ArgumentParser
import VAECF
import VAECFCompute

/// `--precision` of the commands whose dense products can run in mixed precision (train, tune, test, compare,
/// benchmark train and gemm); a precision this CPU cannot run is refused before any work.
struct PrecisionOptions: ParsableArguments {
    @Option(
        help:
            "Inputs of the dense products: bfloat16 keeps float32 accumulation, results and weights and needs AVX512-BF16 (also: fp32, bf16)."
    )
    var precision: ComputePrecision = .float32

    func validate() throws {
        try refuseMissing(ComputePrecision.missingInstructions(for: precision))
    }
}

/// `--precision` of the commands that recommend (recommend, serve, benchmark inference): the storage of the
/// output layer's weights; a precision this CPU cannot run is refused before any work.
struct InferencePrecisionOptions: ParsableArguments {
    @Option(
        help:
            "Output-layer weights: float16 halves them; bfloat16 also multiplies in bfloat16 and needs AVX512-BF16 (also: fp32, fp16, half, bf16)."
    )
    var precision: InferencePrecision = .float32

    func validate() throws {
        try refuseMissing(precision.missingInstructions)
    }
}

/// Refuses bfloat16 when this CPU lacks `missingInstructions` (none: nothing to refuse).
private func refuseMissing(_ missingInstructions: [String]) throws {
    guard !missingInstructions.isEmpty else { return }
    throw ValidationError(
        ComputePrecisionError.unsupported(.bfloat16, missingInstructions: missingInstructions).description)
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

extension InferencePrecision: ExpressibleByArgument {
    /// Parses the option's value as ``init(name:)`` does.
    public init?(argument: String) { self.init(name: argument) }
    /// The names `--help` lists.
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}
