import Foundation
import VAECF

/// Prints a trainer's events for people: one line per epoch, validation metrics when computed.
struct TrainingConsole {
    var quiet = false
    let start = Date()
    var epochs = 0
    var firstEpoch = 0

    mutating func report(_ event: TrainingEvent) {
        switch event {
        case .started(let epoch, let epochs, let stepsPerEpoch, let trainUsers, let parameterCount):
            self.epochs = epochs
            firstEpoch = epoch
            guard epoch < epochs else {
                printError("nothing to train: all \(epochs) epochs are done (raise --epochs to continue)")
                return
            }
            printError(
                "training: \(trainUsers) users, \(stepsPerEpoch) updates per epoch, \(parameterCount) parameters, epochs \(epoch + 1)-\(epochs)"
            )
        case .epochFinished(let summary):
            guard !quiet else { return }
            let elapsed = Date().timeIntervalSince(start)
            let done = summary.epoch + 1 - firstEpoch
            let remaining = elapsed / Double(max(done, 1)) * Double(epochs - summary.epoch - 1)
            printError(
                String(
                    format: "epoch %d/%d  loss %.3f (nll %.3f, kl %.3f x %.4f)  %.0f users/s  elapsed %@  eta %@",
                    summary.epoch + 1, epochs, summary.loss.total, summary.loss.negativeLogLikelihood,
                    summary.loss.kullbackLeibler, summary.loss.anneal, summary.usersPerSecond,
                    formatDuration(elapsed), formatDuration(remaining)))
            if let scale = summary.lossScale, let skipped = summary.skippedSteps {
                printError("  loss scale \(scale), \(skipped) step\(skipped == 1 ? "" : "s") skipped so far")
            }
            if let communication = summary.communication {
                printError(
                    String(
                        format: "  allreduce: %d calls, %.1f ms each, %.1f MB each, %.1f%% of the epoch",
                        communication.allReduces, communication.secondsPerAllReduce * 1000,
                        Double(communication.bytesPerAllReduce) / 1e6,
                        summary.seconds > 0 ? 100 * communication.seconds / summary.seconds : 0))
            }
        case .validated(let epoch, let metrics, let seconds, let isBest):
            guard !quiet else { return }
            printError(
                "  validation after epoch \(epoch + 1): \(metrics) (\(formatDuration(seconds)))\(isBest ? "  best" : "")"
            )
        case .checkpointSaved:
            break
        }
    }
}
