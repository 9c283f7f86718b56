/// The schedule of a search as a function of its state: which trial runs next at which rung, which are
/// promoted, which checkpoints are no longer needed, and the choice. It depends only on the plan and the
/// finished evaluations, so a resumed search picks up the same schedule.
package struct SuccessiveHalving: Sendable {
    package let state: TuningState

    package init(state: TuningState) {
        self.state = state
    }

    var plan: TuningPlan { state.plan }

    /// The evaluations of `rung`, best first (by validation NDCG@100; ties: the lower trial index first).
    package func ranking(rung: Int) -> [TuningEvaluation] {
        state.evaluations.filter { $0.rung == rung }.sorted {
            $0.score != $1.score ? $0.score > $1.score : $0.trial < $1.trial
        }
    }

    /// The trials `rung` evaluates, in order: every trial at the first rung; at later ones the best of the
    /// previous rung, best first. Nil while the previous rung is unfinished.
    package func candidates(rung: Int) -> [Int]? {
        guard rung > 0 else { return Array(0..<plan.trials) }
        let previous = ranking(rung: rung - 1)
        guard previous.count == plan.trialCount(atRung: rung - 1) else { return nil }
        return previous.prefix(plan.trialCount(atRung: rung)).map(\.trial)
    }

    /// The next evaluation as `(trial, rung)`; nil when the search is complete.
    package func next() -> (trial: Int, rung: Int)? {
        for rung in plan.rungEpochs.indices {
            guard let candidates = candidates(rung: rung) else { return nil }
            let done = Set(state.evaluations.filter { $0.rung == rung }.map(\.trial))
            if let trial = candidates.first(where: { !done.contains($0) }) { return (trial, rung) }
        }
        return nil
    }

    package var isComplete: Bool { next() == nil }

    /// The trials evaluated at `rung` that can no longer be promoted from it (or chosen, at the last rung):
    /// they rank below the number that continues, among the evaluations finished so far.
    package func eliminated(rung: Int) -> [Int] {
        let isLast = rung == plan.rungEpochs.count - 1
        let continuing = isLast ? 1 : plan.trialCount(atRung: rung + 1)
        return ranking(rung: rung).dropFirst(continuing).map(\.trial)
    }

    /// The choice: the best evaluation of the deepest rung reached; nil before any evaluation.
    package var choice: TuningEvaluation? {
        guard let deepest = state.evaluations.map(\.rung).max() else { return nil }
        return ranking(rung: deepest).first
    }
}
