import VAECFCompute
import VAECFCore

/// Loss scaling for mixed-precision training, as the reference's automatic mixed precision does it: the
/// backward pass starts from the loss multiplied by a scale `S` (a power of two), so that small gradients stay
/// representable in the narrow inputs of the products; the gradients are divided by `S` in the Adam pass.
///
/// Powers of two commute with rounding, so a scale changes nothing unless a value would overflow or underflow:
/// with no overflow, a run with scaling gives the bits of the run without it.
public enum LossScaling: Sendable, Equatable, Codable, CustomStringConvertible {
    /// No scaling (`S = 1`, no check).
    case none
    /// A fixed scale; steps whose gradients hold NaN or infinity are skipped.
    case fixed(Float)
    /// Starts at 2^15; a step whose gradients hold NaN or infinity is skipped and halves the scale (not below
    /// 1); after ``DynamicLossScale/growthInterval`` clean steps in a row the scale doubles.
    case dynamic

    /// The mode a run in `precision` uses unless told otherwise: dynamic with bfloat16, none with float32.
    public static func defaultMode(for precision: ComputePrecision) -> LossScaling {
        precision == .bfloat16 ? .dynamic : .none
    }

    /// Parses `none`, `dynamic` or a positive number.
    public init?(argument: String) {
        switch argument.lowercased() {
        case "none": self = .none
        case "dynamic": self = .dynamic
        default:
            guard let value = Float(argument), value > 0, value.isFinite else { return nil }
            self = .fixed(value)
        }
    }

    /// The text for logs, messages and errors.
    public var description: String {
        switch self {
        case .none: "none"
        case .dynamic: "dynamic"
        case .fixed(let scale): "\(scale)"
        }
    }
}

/// The state of loss scaling in a run, saved in checkpoints so that a resumed run continues bit for bit.
public struct DynamicLossScale: Sendable, Equatable, Codable {
    /// Clean steps in a row after which a dynamic scale doubles.
    public static let growthInterval = 2000
    /// The first dynamic scale.
    public static let initialScale: Float = 32768

    /// The kind of scaling.
    public var mode: LossScaling
    /// The scale of the next step.
    public var scale: Float
    /// Clean steps since the last change of a dynamic scale.
    public var cleanSteps = 0
    /// Steps skipped so far because their gradients were not finite.
    public var skippedSteps = 0

    /// The state at the start of a run with `mode`.
    public init(mode: LossScaling) {
        self.mode = mode
        switch mode {
        case .none: scale = 1
        case .fixed(let value): scale = value
        case .dynamic: scale = Self.initialScale
        }
    }

    /// The first value a run cannot use, described; `nil` when the state is usable (checked when a checkpoint
    /// is read: its state is data, not trusted).
    public var invalidSetting: String? {
        if case .fixed(let value) = mode, !(value > 0 && value.isFinite) { return "the fixed scale is \(value)" }
        guard scale > 0 && scale.isFinite else { return "the scale is \(scale), a positive number is needed" }
        guard cleanSteps >= 0 && skippedSteps >= 0 else {
            return "negative step counts (\(cleanSteps) clean, \(skippedSteps) skipped)"
        }
        return nil
    }

    /// Whether gradients are checked at all.
    public var isActive: Bool { mode != .none }

    /// Records a step: `finite` tells whether its gradients were finite. Returns whether the update applies.
    mutating func record(finite: Bool) -> Bool {
        guard isActive else { return true }
        guard finite else {
            skippedSteps += 1
            cleanSteps = 0
            if mode == .dynamic { scale = max(1, scale / 2) }
            return false
        }
        cleanSteps += 1
        if mode == .dynamic && cleanSteps >= Self.growthInterval && scale * 2 <= Float.greatestFiniteMagnitude / 2 {
            scale *= 2
            cleanSteps = 0
        }
        return true
    }
}

enum GradientCheck {
    /// Whether `values[0 ..< count]` are all finite: one vectorized pass split between the workers.
    static func allFinite(_ values: UnsafePointer<Float>, count: Int, executor: ParallelExecutor) -> Bool {
        withUnsafeTemporaryAllocation(of: Bool.self, capacity: executor.threadCount) { flags in
            flags.initialize(repeating: true)
            let shared = UncheckedSendable(flags)
            executor.forEachChunk(count: count, minimumChunk: 1 << 16) { worker, range in
                let buffer = UnsafeBufferPointer(start: values + range.lowerBound, count: range.count)
                if NonFiniteWeights.firstNonFinite(buffer) != nil { shared.value[worker] = false }
            }
            return flags.allSatisfy { $0 }
        }
    }
}
