import Foundation

/// A JSON-lines performance log in the spirit of the reference's DLLogger output: one object per line,
/// `{"type": "parameters", ...}` first, then per epoch `train_epoch_time` and `train_throughput`, and per
/// validation the metrics and `valid_time`. Lines are flushed as they are written, so a log survives an
/// interruption; a resumed run appends to it.
package final class TrainingLog {
    let handle: FileHandle

    /// Opens (creating or appending to) the log at `url`.
    package init(url: URL) throws {
        if !FileManager.default.fileExists(atPath: url.path) {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: url.path])
            }
        }
        handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
    }

    deinit { try? handle.close() }

    /// Writes one line from a dictionary of JSON-compatible values (keys sorted).
    package func write(_ object: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        handle.write(data + Data("\n".utf8))
    }

    /// The parameters line.
    package func writeParameters(model: MultVAEConfiguration, training: TrainingConfiguration, extra: [String: Any]) {
        var object: [String: Any] = [
            "type": "parameters", "epochs": training.epochs, "batch_size_train": training.batchSizeTrain,
            "batch_size_validation": training.batchSizeValidation, "validation_step": training.validationStep,
            "total_anneal_steps": training.totalAnnealSteps, "anneal_cap": training.annealCap, "lam": training.lam,
            "lr": training.learningRate, "beta1": training.beta1, "beta2": training.beta2,
            "top_results": training.topResults, "seed": training.seed,
            "drop_last_partial_batch": training.dropLastPartialBatch, "activation": model.activation.rawValue,
            "encoder_dims": model.encoderDimensions, "keep_probability": model.keepProbability,
            "items": model.itemCount,
        ]
        for (key, value) in extra { object[key] = value }
        write(object)
    }

    /// The line of a training event (`started` and `checkpointSaved` are not logged).
    package func write(_ event: TrainingEvent) {
        switch event {
        case .epochFinished(let summary):
            var object: [String: Any] = [
                "type": "epoch", "epoch": summary.epoch + 1, "step": summary.step,
                "train_epoch_time": summary.seconds, "train_throughput": summary.usersPerSecond,
                "loss": summary.loss.total, "negative_log_likelihood": summary.loss.negativeLogLikelihood,
                "kl": summary.loss.kullbackLeibler, "anneal": summary.loss.anneal,
            ]
            if let scale = summary.lossScale {
                object["loss_scale"] = Double(scale)
                object["skipped_steps"] = summary.skippedSteps ?? 0
            }
            if let communication = summary.communication {
                object["allreduce_calls"] = communication.allReduces
                object["allreduce_time"] = communication.seconds
                object["allreduce_bytes"] = communication.bytesPerAllReduce
            }
            write(object)
        case .validated(let epoch, let metrics, let seconds, let isBest):
            var object: [String: Any] = [
                "type": "validation", "epoch": epoch + 1, "valid_time": seconds, "best": isBest,
            ]
            for entry in metrics.entries { object[entry.name] = entry.value }
            object["users"] = metrics.userCount
            write(object)
        case .started, .checkpointSaved:
            break
        }
    }
}
