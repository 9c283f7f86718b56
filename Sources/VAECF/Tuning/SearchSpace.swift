import Foundation
import VAECFCore

/// One searched hyperparameter: its name (`train`'s option), its range and how values are drawn in it.
package struct SearchDimension: Sendable, Codable, Equatable {
    /// The hyperparameters `tune` can search, and whether each is drawn on a log scale and is an integer.
    package static let searchable: [(name: String, logScale: Bool, integer: Bool)] = [
        ("lam", true, false), ("anneal-cap", false, false), ("total-anneal-steps", true, true), ("lr", true, false),
        ("keep-probability", false, false), (RunConfiguration.easeLambdaKey, true, false), ("gamma", true, false),
        ("batch-size-train", true, true),
    ]

    package var name: String
    package var low: Double
    package var high: Double
    /// Uniform in `log(value)` (rates and weights spanning decades) rather than in `value`.
    package var logScale: Bool
    package var integer: Bool

    /// The dimension `name` over `[low, high]`, drawn as ``searchable`` says.
    /// - Throws: ``TuningError/invalidSpace(_:)`` for an unknown name or an unusable range.
    package init(name: String, low: Double, high: Double) throws(TuningError) {
        guard let known = Self.searchable.first(where: { $0.name == name }) else {
            throw .invalidSpace(
                "'\(name)' cannot be searched; searchable: \(Self.searchable.map(\.name).joined(separator: ", "))")
        }
        guard low.isFinite, high.isFinite, low <= high else {
            throw .invalidSpace("\(name): the range \(low):\(high) needs finite bounds with low <= high")
        }
        guard !known.logScale || low > 0 else {
            throw .invalidSpace("\(name) is drawn on a log scale: its low bound must be positive")
        }
        self.name = name
        self.low = low
        self.high = high
        logScale = known.logScale
        integer = known.integer
    }

    /// A value drawn uniformly (in the log for ``logScale``), rounded to 3 significant digits (integers: to
    /// 3 significant digits, then to a whole number), so that configurations read as they are.
    package func sample(_ random: inout RandomSource) -> Double {
        let unit = random.nextDouble()
        let raw = logScale ? exp(log(low) + unit * (log(high) - log(low))) : low + unit * (high - low)
        let rounded = raw == 0 ? 0 : Double(String(format: "%.3g", raw)) ?? raw
        let value = integer ? rounded.rounded() : rounded
        return min(max(value, low), high)
    }

    /// `name low:high` with the scale, for the documentation and the table's header.
    package var summary: String {
        "\(name) \(Self.format(low)):\(Self.format(high))\(logScale ? " (log)" : "")"
    }

    /// A value as the configuration shows it: integers without a fraction, others in `%g`.
    package static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(format: "%g", value)
    }
}

/// The hyperparameters a search draws, each in its range.
package struct SearchSpace: Sendable, Codable, Equatable {
    package var dimensions: [SearchDimension]

    package init(dimensions: [SearchDimension]) {
        self.dimensions = dimensions
    }

    /// The default space of `model` (documented in the README's "Tuning" paragraph): for Mult-VAE lam
    /// 1e-6:0.1 (log), anneal-cap 0:1, total-anneal-steps 1000:200000 (log), lr 1e-4:0.01 (log) and
    /// keep-probability 0.3:1; Mult-DAE the same without the KL annealing; EASE lambda 10:20000 (log); RecVAE
    /// lr 1e-4:0.005 (log), gamma 5e-4:0.05 (log), keep-probability 0.3:1 and batch-size-train 100:1000 (log).
    /// The epochs are the successive-halving budget, not drawn.
    package static func defaults(for model: ModelKind) -> SearchSpace {
        let ranges: [(String, Double, Double)] =
            switch model {
            case .multvae:
                [
                    ("lam", 1e-6, 0.1), ("anneal-cap", 0, 1), ("total-anneal-steps", 1000, 200_000), ("lr", 1e-4, 0.01),
                    ("keep-probability", 0.3, 1),
                ]
            case .multdae: [("lam", 1e-6, 0.1), ("lr", 1e-4, 0.01), ("keep-probability", 0.3, 1)]
            case .ease: [(RunConfiguration.easeLambdaKey, 10, 20_000)]
            case .recvae:
                [
                    ("lr", 1e-4, 0.005), ("gamma", 5e-4, 0.05), ("keep-probability", 0.3, 1),
                    ("batch-size-train", 100, 1000),
                ]
            }
        // The default ranges are valid by construction.
        return SearchSpace(dimensions: ranges.map { try! SearchDimension(name: $0.0, low: $0.1, high: $0.2) })
    }

    /// `configuration` with the dimensions set to `values` (in ``dimensions`` order).
    package func apply(_ values: [Double], to configuration: RunConfiguration) -> RunConfiguration {
        var result = configuration
        for (dimension, value) in zip(dimensions, values) {
            switch dimension.name {
            case "lam": result.training.lam = value
            case "anneal-cap": result.training.annealCap = value
            case "total-anneal-steps": result.training.totalAnnealSteps = Int(value)
            case "lr": result.training.learningRate = value
            case "keep-probability": result.keepProbability = value
            case "gamma":
                var settings = result.resolvedRecVAE
                settings.gamma = value
                result.recVAE = settings
            case "batch-size-train": result.training.batchSizeTrain = Int(value)
            default: result.easeLambda = value
            }
        }
        return result
    }
}
