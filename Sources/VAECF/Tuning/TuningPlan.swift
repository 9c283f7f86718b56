import Foundation
import VAECFCore

/// What a search is: everything that decides its trials and their evaluations. A search resumed from its
/// state must have the same plan; the budget (time, evaluations) is not part of it and may change.
///
/// Successive halving (Jamieson and Talwalkar 2016): `trials` configurations are drawn from `space`; each is
/// trained for the first rung's epochs and scored on the validation users; the best `1 / reductionFactor` of
/// them continue (their runs extended, not restarted) to the next rung's epochs, and so on up to `maxEpochs`.
/// The rungs are `minEpochs`, `minEpochs x reductionFactor`, ... and `maxEpochs`. EASE, fitted in closed form,
/// has one rung.
package struct TuningPlan: Sendable, Codable, Equatable {
    /// The fixed settings (model, network, the settings not searched, the seed of every draw and run).
    package var base: RunConfiguration
    package var space: SearchSpace
    package var trials: Int
    package var minEpochs: Int
    package var maxEpochs: Int
    package var reductionFactor: Int
    /// ``InteractionDataset/fingerprintHex`` of the data searched on.
    package var datasetFingerprint: String

    package init(
        base: RunConfiguration, space: SearchSpace, trials: Int, minEpochs: Int, maxEpochs: Int, reductionFactor: Int,
        datasetFingerprint: String
    ) throws(TuningError) {
        guard trials >= 1 else { throw .invalidPlan("--trials must be at least 1") }
        guard minEpochs >= 1, maxEpochs >= minEpochs else {
            throw .invalidPlan("--min-epochs must be at least 1 and at most --max-epochs (\(minEpochs), \(maxEpochs))")
        }
        guard reductionFactor >= 2 else { throw .invalidPlan("--reduction-factor must be at least 2") }
        if let problem = base.invalidSetting { throw .invalidPlan(problem) }
        self.base = base
        self.space = space
        self.trials = trials
        self.minEpochs = minEpochs
        self.maxEpochs = maxEpochs
        self.reductionFactor = reductionFactor
        self.datasetFingerprint = datasetFingerprint
    }

    package var model: ModelKind { base.model }
    package var seed: UInt64 { base.training.seed }

    /// The epochs of each rung (EASE: one rung).
    package var rungEpochs: [Int] {
        guard model.isAutoencoder else { return [1] }
        var epochs = [Int]()
        var next = minEpochs
        while next < maxEpochs {
            epochs.append(next)
            next *= reductionFactor
        }
        return epochs + [maxEpochs]
    }

    /// How many trials are evaluated at `rung`: all at the first, then `1 / reductionFactor` of the previous
    /// rung's (rounded up).
    package func trialCount(atRung rung: Int) -> Int {
        (0..<rung).reduce(trials) { count, _ in max(1, (count + reductionFactor - 1) / reductionFactor) }
    }

    /// The trials' values, drawn from `space` in order with the seed's own stream.
    package func drawTrials() -> [[Double]] {
        var random = RandomSource(seed: seed, stream: 0x7E57_5EA2_C400_0000)
        return (0..<trials).map { _ in space.dimensions.map { $0.sample(&random) } }
    }

    /// The run of a trial with `values` trained for `epochs`.
    package func configuration(values: [Double], epochs: Int) -> RunConfiguration {
        var configuration = space.apply(values, to: base)
        if model.isAutoencoder { configuration.training.epochs = epochs }
        return configuration
    }

    /// What differs from `other` (a saved search's plan), as `name: this (the saved search has that)`.
    package func differences(from other: TuningPlan) -> [String] {
        var lines = [String]()
        func compare(_ name: String, _ mine: String, _ theirs: String) {
            if mine != theirs { lines.append("\(name) \(mine) (the saved search has \(theirs))") }
        }
        compare("--model", model.rawValue, other.model.rawValue)
        compare("--data (fingerprint)", datasetFingerprint, other.datasetFingerprint)
        compare("--trials", "\(trials)", "\(other.trials)")
        compare("--min-epochs", "\(minEpochs)", "\(other.minEpochs)")
        compare("--max-epochs", "\(maxEpochs)", "\(other.maxEpochs)")
        compare("--reduction-factor", "\(reductionFactor)", "\(other.reductionFactor)")
        compare(
            "--space", space.dimensions.map(\.summary).joined(separator: ", "),
            other.space.dimensions.map(\.summary).joined(separator: ", "))
        for key in RunConfigurationFile.knownKeys where key != TrainingSetting.epochs.rawValue {
            compare("--\(key)", base.value(of: key) ?? "", other.base.value(of: key) ?? "")
        }
        return lines
    }
}
