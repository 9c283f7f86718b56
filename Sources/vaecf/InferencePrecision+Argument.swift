import ArgumentParser
import VAECF

/// `--precision float32|float16` (also `fp32`, `fp16`, `half`).
extension InferencePrecision: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}
