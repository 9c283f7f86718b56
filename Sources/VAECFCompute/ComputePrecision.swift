import Foundation
import VAECFNativeKernels

/// The number format of the dense products' inputs (``GEMM/precision``).
///
/// - `float32`: float inputs and accumulation (the CBLAS or the portable GEMM).
/// - `bfloat16`: mixed precision: the inputs of every dense product rounded to bfloat16 (ties to even), float32
///   accumulation and results; everything around the products (sparse first layer, softmax, losses, reductions,
///   optimizer, master weights) stays float32. Needs AVX512-BF16 (AMD Zen 4 and later, Intel Cooper Lake and
///   Sapphire Rapids and later).
public enum ComputePrecision: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case float32, bfloat16

    /// Parses `float32` / `fp32` / `f32` and `bfloat16` / `bf16`, in any case.
    public init?(name: String) {
        switch name.lowercased() {
        case "float32", "fp32", "f32": self = .float32
        case "bfloat16", "bf16": self = .bfloat16
        default: return nil
        }
    }

    /// The text for logs, messages and errors.
    public var description: String { rawValue }

    /// The instructions this precision needs that the CPU lacks (empty when it runs here).
    public static func missingInstructions(for precision: ComputePrecision) -> [String] {
        guard precision == .bfloat16, !BFloat16Products.isSupported else { return [] }
        #if arch(x86_64)
        let features: [(name: String, mask: Int32)] = [
            ("AVX-512F", 1), ("AVX-512BW", 2), ("AVX-512VL", 4), ("AVX512-BF16", 8),
        ]
        let present = vaecf_bf16_feature_mask()
        return features.filter { present & $0.mask == 0 }.map(\.name)
        #else
        return ["AVX512-BF16 (an x86-64 CPU)"]
        #endif
    }
}

/// Why a precision cannot be used on this machine.
public enum ComputePrecisionError: Error, Equatable, LocalizedError, CustomStringConvertible {
    /// The CPU lacks these instructions.
    case unsupported(ComputePrecision, missingInstructions: [String])

    /// The text for logs, messages and errors.
    public var description: String {
        switch self {
        case .unsupported(let precision, let missing):
            return "--precision \(precision) needs \(missing.joined(separator: ", ")), which this CPU does not "
                + "have; use --precision float32"
        }
    }

    /// The same text as `description`.
    public var errorDescription: String? { description }
}
