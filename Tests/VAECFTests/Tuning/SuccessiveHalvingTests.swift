import Foundation
import Testing
import VAECF
import VAECFCore

@Suite("successive halving schedule")
struct SuccessiveHalvingTests {
    static func plan(trials: Int = 9, model: ModelKind = .multvae) throws -> TuningPlan {
        try TuningPlan(
            base: RunConfiguration(model: model), space: .defaults(for: model), trials: trials, minEpochs: 1,
            maxEpochs: 9, reductionFactor: 3, datasetFingerprint: "f")
    }

    static func evaluation(trial: Int, rung: Int, ndcg: Double) -> TuningEvaluation {
        TuningEvaluation(
            trial: trial, rung: rung, epochs: [1, 3, 9][rung], trainedEpochs: 1,
            validation: RankingMetrics(ndcg: [100: ndcg], recall: [20: 0, 50: 0], userCount: 10), bestEpoch: 0,
            seconds: 1)
    }

    @Test("rungs grow by the reduction factor up to the last epochs; each keeps 1/factor of the trials")
    func rungs() throws {
        let plan = try Self.plan()
        #expect(plan.rungEpochs == [1, 3, 9])
        #expect(plan.rungEpochs.indices.map(plan.trialCount(atRung:)) == [9, 3, 1])
        var uneven = plan
        uneven.maxEpochs = 20
        uneven.trials = 10
        #expect(uneven.rungEpochs == [1, 3, 9, 20])
        #expect(uneven.rungEpochs.indices.map(uneven.trialCount(atRung:)) == [10, 4, 2, 1])
        #expect(try Self.plan(model: .ease).rungEpochs == [1])
    }

    @Test("the best trials of a finished rung are promoted, best first; the others are eliminated")
    func promotion() throws {
        var state = TuningState(plan: try Self.plan())
        let scores = [0.10, 0.30, 0.05, 0.25, 0.30, 0.01, 0.20, 0.28, 0.02]
        for (trial, score) in scores.enumerated().prefix(8) {
            state.evaluations.append(Self.evaluation(trial: trial, rung: 0, ndcg: score))
            #expect(SuccessiveHalving(state: state).candidates(rung: 1) == nil)
        }
        #expect(SuccessiveHalving(state: state).next()! == (8, 0))
        state.evaluations.append(Self.evaluation(trial: 8, rung: 0, ndcg: scores[8]))
        let schedule = SuccessiveHalving(state: state)
        // Ties (trials 1 and 4 at 0.30) go to the lower index.
        #expect(schedule.candidates(rung: 1) == [1, 4, 7])
        #expect(schedule.next()! == (1, 1))
        #expect(Set(schedule.eliminated(rung: 0)) == [0, 2, 3, 5, 6, 8])
        #expect(schedule.choice?.trial == 1)

        state.evaluations.append(Self.evaluation(trial: 1, rung: 1, ndcg: 0.31))
        state.evaluations.append(Self.evaluation(trial: 4, rung: 1, ndcg: 0.35))
        #expect(SuccessiveHalving(state: state).choice?.trial == 4, "the deepest rung decides")
        #expect(SuccessiveHalving(state: state).eliminated(rung: 1) == [1], "one continues from the second rung")
        state.evaluations.append(Self.evaluation(trial: 7, rung: 1, ndcg: 0.2))
        #expect(SuccessiveHalving(state: state).next()! == (4, 2))
        state.evaluations.append(Self.evaluation(trial: 4, rung: 2, ndcg: 0.4))
        #expect(SuccessiveHalving(state: state).isComplete)
        #expect(SuccessiveHalving(state: state).choice == state.evaluations.last)
    }

    @Test("trials are drawn deterministically for a seed, inside their ranges, on their scales")
    func drawing() throws {
        let plan = try Self.plan(trials: 200)
        let trials = plan.drawTrials()
        #expect(trials == plan.drawTrials())
        var other = plan
        other.base.training.seed = 1
        #expect(trials != other.drawTrials())
        for (index, dimension) in plan.space.dimensions.enumerated() {
            let values = trials.map { $0[index] }
            #expect(values.allSatisfy { $0 >= dimension.low && $0 <= dimension.high }, "\(dimension.name)")
            if dimension.integer { #expect(values.allSatisfy { $0 == $0.rounded() }) }
            if dimension.logScale {
                // A log-uniform draw puts about half of the values below the geometric middle.
                let below = values.filter { $0 < (dimension.low * dimension.high).squareRoot() }.count
                #expect(below > 60 && below < 140, "\(dimension.name): \(below) of 200")
            }
        }
    }

    @Test("unusable spaces and plans are refused")
    func refusals() throws {
        #expect(throws: TuningError.self) { try SearchDimension(name: "dropout", low: 0, high: 1) }
        #expect(throws: TuningError.self) { try SearchDimension(name: "lr", low: 0, high: 0.1) }
        #expect(throws: TuningError.self) { try SearchDimension(name: "lam", low: 0.1, high: 0.01) }
        #expect(throws: TuningError.self) {
            try TuningPlan(
                base: RunConfiguration(model: .multvae), space: .defaults(for: .multvae), trials: 0,
                minEpochs: 1, maxEpochs: 2, reductionFactor: 3, datasetFingerprint: "f")
        }
        #expect(throws: TuningError.self) {
            try TuningPlan(
                base: RunConfiguration(model: .multvae), space: .defaults(for: .multvae), trials: 3,
                minEpochs: 4, maxEpochs: 2, reductionFactor: 3, datasetFingerprint: "f")
        }
    }
}
