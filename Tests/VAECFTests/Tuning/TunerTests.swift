import Foundation
import Testing
import VAECF
import VAECFCore
import VAECFData

@Suite("Tuner")
struct TunerTests {
    /// Four Mult-VAE trials on a small network; rungs of 1, 2 and 4 epochs (4, 2 and 1 trials).
    static func plan(dataset: InteractionDataset, trials: Int = 4) throws -> TuningPlan {
        var training = smallTraining(epochs: 1)
        training.seed = 3
        let base = RunConfiguration(model: .multvae, encoderDimensions: [16, 6], training: training)
        return try TuningPlan(
            base: base, space: .defaults(for: .multvae), trials: trials, minEpochs: 1, maxEpochs: 4,
            reductionFactor: 2, datasetFingerprint: dataset.fingerprintHex)
    }

    /// The evaluations without their (timing) seconds.
    static func untimed(_ evaluations: [TuningEvaluation]) -> [TuningEvaluation] {
        evaluations.map {
            var copy = $0; copy.seconds = 0; return copy
        }
    }

    @Test("promoted trials continue their runs and score as runs started with the rung's epochs")
    func promotedTrialsContinue() throws {
        let dataset = try smallDataset()
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let tuner = try Tuner(
            plan: try Self.plan(dataset: dataset), dataset: dataset, engine: makeEngine(), folder: folder)
        #expect(try tuner.run(budget: TuningBudget()) == .complete)
        let evaluations = tuner.state.evaluations
        #expect(evaluations.map(\.rung) == [0, 0, 0, 0, 1, 1, 2])
        let firstRung = SuccessiveHalving(state: tuner.state).ranking(rung: 0).map(\.trial)
        #expect(evaluations[4...5].map(\.trial) == Array(firstRung.prefix(2)))
        #expect(evaluations[4...].allSatisfy { $0.trainedEpochs == $0.epochs / 2 }, "continued, not retrained")

        // The promoted trial's second rung scores bitwise as a fresh run of 2 epochs.
        let promoted = evaluations[4]
        let configuration = tuner.plan.configuration(values: tuner.state.trials[promoted.trial], epochs: 2)
        let fresh = Trainer(
            dataset: dataset, model: configuration.network(itemCount: dataset.itemCount),
            training: configuration.training, engine: makeEngine())
        _ = try fresh.run(checkpoint: nil) { _ in }
        #expect(fresh.bestMetrics == promoted.validation)

        // Only the chosen trial's checkpoint is left; the test metrics come from it.
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
            $0.hasSuffix(".checkpoint")
        }
        let choice = try tuner.testChoice()
        #expect(files == ["trial-\(choice.evaluation.trial).checkpoint"])
        #expect(!choice.retrained && choice.test.userCount > 0 && choice.configuration.training.epochs == 4)
    }

    @Test("a search stopped by its budget and continued ends with the same evaluations and choice")
    func resumed() throws {
        let dataset = try smallDataset()
        let straightFolder = try temporaryFolder()
        let folder = try temporaryFolder()
        defer {
            try? FileManager.default.removeItem(at: straightFolder)
            try? FileManager.default.removeItem(at: folder)
        }
        let plan = try Self.plan(dataset: dataset)
        let straight = try Tuner(plan: plan, dataset: dataset, engine: makeEngine(), folder: straightFolder)
        _ = try straight.run(budget: TuningBudget())
        let first = try Tuner(plan: plan, dataset: dataset, engine: makeEngine(), folder: folder)
        #expect(try first.run(budget: TuningBudget(evaluations: 5)) == .evaluationBudget)
        #expect(first.state.evaluations.count == 5 && !first.resumed)
        let second = try Tuner(plan: plan, dataset: dataset, engine: makeEngine(), folder: folder)
        #expect(second.resumed && second.state.evaluations.count == 5)
        #expect(try second.run(budget: TuningBudget()) == .complete)
        #expect(Self.untimed(second.state.evaluations) == Self.untimed(straight.state.evaluations))
        #expect(try second.testChoice().test == straight.testChoice().test)

        let other = try Self.plan(dataset: dataset, trials: 5)
        #expect {
            try Tuner(plan: other, dataset: dataset, engine: makeEngine(), folder: folder)
        } throws: { error in
            "\(error)".contains("--trials 5 (the saved search has 4)")
        }
        // Without its state the folder starts a new search; the old search's checkpoints are not reused.
        try FileManager.default.removeItem(at: TuningState.file(in: folder))
        let fresh = try Tuner(plan: other, dataset: dataset, engine: makeEngine(), folder: folder)
        #expect(!fresh.resumed)
        #expect(try fresh.run(budget: TuningBudget(evaluations: 5)) == .evaluationBudget)
        #expect(fresh.state.evaluations.allSatisfy { $0.trainedEpochs == 1 && $0.rung == 0 })
    }

    @Test("EASE trials are fitted once each; the choice is the best validation lambda")
    func ease() throws {
        let dataset = try smallDataset()
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let plan = try TuningPlan(
            base: RunConfiguration(model: .ease), space: .defaults(for: .ease), trials: 3, minEpochs: 1,
            maxEpochs: 1, reductionFactor: 3, datasetFingerprint: dataset.fingerprintHex)
        let tuner = try Tuner(plan: plan, dataset: dataset, engine: makeEngine(), folder: folder)
        #expect(try tuner.run(budget: TuningBudget()) == .complete)
        #expect(tuner.state.evaluations.count == 3)
        let choice = try tuner.testChoice()
        let best = tuner.state.evaluations.max { $0.score < $1.score }!
        #expect(choice.evaluation.trial == best.trial)
        #expect(choice.configuration.easeLambda == tuner.state.trials[best.trial][0])
        #expect(choice.test.ndcgAt100 > 0)
    }
}
