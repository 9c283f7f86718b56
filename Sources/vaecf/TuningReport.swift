import Foundation
import VAECF

/// The results of a search: one row per trial (its values and latest evaluation), the choice and its test
/// metrics; a Markdown table or one JSON object.
struct TuningReport {
    let state: TuningState
    let choice: TuningChoice
    let stop: TuningStop
    let output: URL

    var plan: TuningPlan { state.plan }

    /// Each trial's latest evaluation (nil: not evaluated yet), in trial order.
    var latest: [TuningEvaluation?] {
        (0..<plan.trials).map { trial in state.evaluations.filter { $0.trial == trial }.max { $0.rung < $1.rung } }
    }

    /// Trials ranked: deepest rung reached first, then by validation NDCG@100; unevaluated ones last.
    var rankedTrials: [Int] {
        let latest = latest
        return (0..<plan.trials).sorted { a, b in
            switch (latest[a], latest[b]) {
            case (nil, nil): return a < b
            case (nil, _): return false
            case (_, nil): return true
            case (let x?, let y?):
                if x.rung != y.rung { return x.rung > y.rung }
                return x.score != y.score ? x.score > y.score : a < b
            }
        }
    }

    func table() -> String {
        let names = plan.space.dimensions.map(\.name)
        var lines = [
            "| trial | " + names.joined(separator: " | ") + " | epochs | NDCG@100 | Recall@20 | Recall@50 | |",
            "| ---: | " + names.map { _ in "---:" }.joined(separator: " | ") + " | ---: | ---: | ---: | ---: | --- |",
        ]
        let latest = latest
        for trial in rankedTrials {
            let values = state.trials[trial].map(SearchDimension.format)
            let figures =
                latest[trial].map {
                    [String($0.epochs)]
                        + [$0.validation.ndcgAt100, $0.validation.recallAt20, $0.validation.recallAt50].map {
                            String(format: "%.4f", $0)
                        }
                } ?? ["-", "-", "-", "-"]
            let mark = trial == choice.evaluation.trial ? "chosen" : (latest[trial] == nil ? "not evaluated" : "")
            lines.append("| \(trial + 1) | " + (values + figures).joined(separator: " | ") + " | \(mark) |")
        }
        lines.append("")
        lines.append(
            "validation metrics (best epoch of each trial's latest rung); search \(stop == .complete ? "complete" : "stopped by its \(stop.rawValue)")"
        )
        lines.append(
            String(
                format:
                    "chosen: trial %d, test NDCG@100 %.4f, Recall@20 %.4f, Recall@50 %.4f (%d users); configuration: %@",
                choice.evaluation.trial + 1, choice.test.ndcgAt100, choice.test.recallAt20, choice.test.recallAt50,
                choice.test.userCount, output.path))
        return lines.joined(separator: "\n")
    }

    func json() throws -> String {
        let trials: [[String: Any]] = (0..<plan.trials).map { trial in
            let values = Dictionary(uniqueKeysWithValues: zip(plan.space.dimensions.map(\.name), state.trials[trial]))
            let evaluations: [[String: Any]] = state.evaluations.filter { $0.trial == trial }.map { evaluation in
                var row: [String: Any] = [
                    "rung": evaluation.rung + 1, "epochs": evaluation.epochs, "best_epoch": evaluation.bestEpoch + 1,
                    "seconds": evaluation.seconds,
                ]
                for entry in evaluation.validation.entries { row[entry.name] = entry.value }
                return row
            }
            return ["trial": trial + 1, "values": values, "evaluations": evaluations]
        }
        var test: [String: Any] = ["users": choice.test.userCount]
        for entry in choice.test.entries { test[entry.name] = entry.value }
        let chosen: [String: Any] = [
            "trial": choice.evaluation.trial + 1, "epochs": choice.evaluation.epochs, "configuration": output.path,
            "test": test, "validation_ndcg@100": choice.evaluation.validation.ndcgAt100, "retrained": choice.retrained,
        ]
        let object: [String: Any] = [
            "model": plan.model.rawValue, "stopped": stop.rawValue, "evaluations": state.evaluations.count,
            "rung_epochs": plan.rungEpochs, "seed": NSNumber(value: plan.seed), "trials": trials, "choice": chosen,
        ]
        return String(
            decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}
