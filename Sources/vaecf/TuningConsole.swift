import Foundation
import VAECF

/// Prints a search's progress for people: the plan, one line per evaluation, and why it stopped.
struct TuningConsole {
    let plan: TuningPlan
    let verbose: Bool
    var training = TrainingConsole(quiet: false)
    var done = 0
    /// Each trial's drawn values.
    let trialValues: [[Double]]

    init(plan: TuningPlan, verbose: Bool) {
        self.plan = plan
        self.verbose = verbose
        trialValues = plan.drawTrials()
    }

    /// Evaluations the whole search makes.
    var total: Int { plan.rungEpochs.indices.reduce(0) { $0 + plan.trialCount(atRung: $1) } }

    func announce(state: URL) {
        let rungs = plan.rungEpochs.indices.map { "\(plan.trialCount(atRung: $0)) x \(plan.rungEpochs[$0])" }
        printError(
            "search: \(plan.model.displayName), \(plan.trials) trials, seed \(plan.seed), state in \(state.path)")
        if plan.model.isAutoencoder { printError("  rungs (trials x epochs): \(rungs.joined(separator: ", "))") }
        printError("  space: \(plan.space.dimensions.map(\.summary).joined(separator: ", "))")
    }

    mutating func report(_ event: TuningEvent) {
        switch event {
        case .resumed(let evaluations):
            done = evaluations
            printError("continuing the saved search: \(evaluations) of \(total) evaluations done")
        case .evaluationStarted(let trial, let rung, let epochs, let fromEpoch):
            guard verbose else { return }
            let from = fromEpoch > 0 ? ", continued from epoch \(fromEpoch)" : ""
            printError("trial \(trial + 1), rung \(rung + 1): \(epochs) epoch(s)\(from)")
        case .evaluationFinished(let evaluation):
            done += 1
            let values = zip(plan.space.dimensions, trialValues[evaluation.trial]).map {
                "\($0.name) \(SearchDimension.format($1))"
            }
            let epochs =
                plan.model.isAutoencoder
                ? "rung \(evaluation.rung + 1), \(evaluation.epochs) epoch\(evaluation.epochs == 1 ? "" : "s"), " : ""
            printError(
                String(
                    format: "[%d/%d] trial %d (%@): %@validation NDCG@100 %.4f, Recall@20 %.4f (%@)", done, total,
                    evaluation.trial + 1, values.joined(separator: ", "), epochs, evaluation.validation.ndcgAt100,
                    evaluation.validation.recallAt20, formatDuration(evaluation.seconds)))
        case .training(let event):
            if verbose { training.report(event) }
        }
    }

    func stopped(_ stop: TuningStop, evaluations: Int) {
        switch stop {
        case .complete: printError("search complete: \(evaluations) evaluations")
        case .timeBudget:
            printError(
                "time budget reached after \(evaluations) of \(total) evaluations (run again with a larger --time-limit to continue)"
            )
        case .evaluationBudget:
            printError(
                "evaluation budget reached after \(evaluations) of \(total) evaluations (run again with a larger --max-evaluations to continue)"
            )
        }
    }
}
