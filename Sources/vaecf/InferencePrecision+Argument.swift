import ArgumentParser
import VAECF

/// `--precision float32|float16|bfloat16` (also `fp32`, `fp16`, `half`, `bf16`).
extension InferencePrecision: ExpressibleByArgument {
    /// Parses the option's value as ``init(name:)`` does.
    public init?(argument: String) { self.init(name: argument) }
    /// The names `--help` lists.
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}
