import ArgumentParser
import Foundation
import VAECF
import VAECFData
import VAECFMPI

/// `vaecf train`: trains Mult-VAE on a prepared dataset and keeps the best-validation model.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract:
            "Train a model (Mult-VAE, Mult-DAE, RecVAE or EASE) on a prepared dataset; keeps the best-validation model.",
        discussion: """
            --model chooses the model: multvae (default), multdae (the denoising autoencoder: the same network \
            without sampling or KL term), recvae (RecVAE: --encoder-dims gives its hidden width and latent size, \
            --gamma its KL weight per interaction; each epoch is 3 encoder passes and 1 decoder pass; its \
            preset is recvae) or ease (closed form, fitted once with --ease-lambda; the training options and \
            checkpoints do not apply).

            Writes the best model to --output and a resumable checkpoint to \
            --checkpoint (default: OUTPUT.checkpoint) every --checkpoint-interval seconds and at the end. With --resume, training continues from that checkpoint \
            and, with the same seed and thread count, ends with bitwise the same weights as an uninterrupted run. \
            A resumed run takes its settings from the checkpoint; it may change --epochs (so a finished run can be \
            extended), --validation-step and --batch-size-validation, and the checkpoint, log and thread options. \
            Options that shape the model or its updates (architecture, --lr, --beta1/2, --lam, --batch-size-train, \
            the anneal settings, --top-results, --seed, --preset) are refused when they differ from the checkpoint's.

            Started by mpirun (`mpirun -np N vaecf train ...`, Open MPI's libmpi loaded at run time, or the one \
            VAECF_MPI names), the N processes train one model: each global batch of --batch-size-train users \
            (a multiple of N) is split evenly between them and their gradients are summed by one allreduce per \
            step. Rank 0 validates, logs, checkpoints and writes the model; every rank needs --data at the same path.

            --config FILE reads every setting from a configuration file (the JSON `vaecf tune` writes as its \
            --output); options given on the command line override the file's values (and are listed as such), \
            except --model, which must match the file's model, and --preset, which cannot be combined with it.
            """)

    @Option(help: "Prepared dataset (from `vaecf prepare`).", transform: URL.init(fileURLWithPath:))
    var data: URL
    @Option(help: "Where to write the best model.", transform: URL.init(fileURLWithPath:))
    var output: URL
    @Option(help: "Resumable checkpoint path (default: OUTPUT.checkpoint).", transform: URL.init(fileURLWithPath:))
    var checkpoint: URL?
    @Flag(help: "Do not write checkpoints.") var noCheckpoint = false
    @Flag(
        help:
            "Do not keep the training users' items in the model file (then `recommend --user` and the server's user endpoint cannot answer)."
    )
    var noUserHistories = false
    @Option(name: .customLong("checkpoint-interval"), help: "Seconds between checkpoints (0: after every epoch).")
    var checkpointInterval: Double = 60
    @Flag(help: "Continue from the checkpoint if there is one.") var resume = false
    @Option(
        name: .customLong("log-path"), help: "JSON-lines performance log (appended).",
        transform: URL.init(fileURLWithPath:))
    var logPath: URL?
    @Flag(help: "Print only the summary.") var quiet = false
    @Option(name: .customLong("model"), help: "The model to train. (default: multvae)")
    var modelArgument: ModelKind?
    @Option(name: .customLong("ease-lambda"), help: "EASE's L2 weight lambda (--model ease). (default: 500)")
    var easeLambda: Double?
    @Option(
        help: "Configuration file (JSON, as `vaecf tune` writes); given options override its values.",
        transform: URL.init(fileURLWithPath:))
    var config: URL?
    @OptionGroup var options: TrainingOptions
    @OptionGroup var compute: ComputeOptions
    @OptionGroup var precision: PrecisionOptions
    @OptionGroup var lossScale: LossScaleOptions

    func validate() throws {
        if resume && noCheckpoint { throw ValidationError("--resume needs checkpoints; drop --no-checkpoint") }
        if !(checkpointInterval >= 0) { throw ValidationError("--checkpoint-interval must not be negative") }
        if let easeLambda, !(easeLambda > 0) { throw ValidationError("--ease-lambda must be positive") }
        if config != nil && options.presetArgument != nil {
            throw ValidationError("--preset and --config both give every setting: use one of them")
        }
        if model == .ease && resume {
            throw ValidationError("EASE is fitted in closed form: there is nothing to --resume")
        }
    }

    var model: ModelKind { modelArgument ?? .multvae }

    var checkpointURL: URL? {
        noCheckpoint ? nil : (checkpoint ?? URL(fileURLWithPath: output.path + ".checkpoint"))
    }

    func run() throws {
        let configuration = try runConfiguration(announce: (MPILaunch.detect()?.rank ?? 0) == 0)
        try lossScale.check(model: configuration.model)
        if configuration.model == .ease {
            if resume { throw CommandFailure("EASE is fitted in closed form: there is nothing to --resume") }
            try fitEASE(configuration)
        } else if let launch = MPILaunch.detect(), launch.size > 1 {
            if configuration.model == .recvae {
                throw CommandFailure("RecVAE trains in one process: run `vaecf train --model recvae` without mpirun")
            }
            try runAsRank(of: launch)
        } else {
            try train(group: nil)
        }
    }

    /// Trains alone (`group == nil`) or as one member of a data-parallel job; only rank 0 prints, logs and
    /// writes files.
    func train(group: (any DataParallelGroup)?) throws {
        let isRoot = (group?.rank ?? 0) == 0
        let dataset = try DatasetFile.read(data)
        if isRoot { try checkWritable(output) }
        let engine = try compute.makeEngine(precision: precision.precision, announce: isRoot)
        let trainer: Trainer
        if let group {
            trainer = try Trainer.joiningGroup(group, dataset: dataset, engine: engine) {
                try makeTrainer(dataset: dataset, engine: engine)
            }
        } else {
            trainer = try makeTrainer(dataset: dataset, engine: engine)
        }
        var extra: [String: Any] = [
            "data": data.path, "blas": engine.gemm.backendName, "threads": engine.executor.threadCount,
            "precision": engine.gemm.precision.rawValue, "loss_scale": trainer.lossScale.mode.description,
            "resumed_after_epoch": trainer.completedEpochs,
        ]
        if let group { extra["ranks"] = group.size }
        let log = isRoot ? try logPath.map { try TrainingLog(url: $0) } : nil
        log?.writeParameters(model: trainer.model.configuration, training: trainer.training, extra: extra)
        var console = TrainingConsole(quiet: quiet)
        _ = try trainer.run(checkpoint: checkpointURL, checkpointInterval: checkpointInterval) { event in
            guard isRoot else { return }
            console.report(event)
            log?.write(event)
        }
        guard isRoot else { return }
        try withTrainingUsers(trainer.modelFile(), dataset: dataset).write(to: output)
        if let best = trainer.bestMetrics {
            print("best validation after epoch \(trainer.bestEpoch + 1): \(best)")
        }
        print("model saved to \(output.path)")
    }

    /// A trainer continued from the checkpoint (with `--resume`, when it exists) or freshly initialized.
    func makeTrainer(dataset: InteractionDataset, engine: MultVAEEngine) throws -> Trainer {
        if resume, let checkpointURL, FileManager.default.fileExists(atPath: checkpointURL.path) {
            return try resumedTrainer(from: checkpointURL, dataset: dataset, engine: engine)
        }
        if resume { printError("no checkpoint at \(checkpointURL?.path ?? "-"): starting from scratch") }
        guard dataset.train.rowCount > 0 else { throw CommandFailure("\(data.path) has no training users") }
        let configuration = try runConfiguration()
        return Trainer(
            dataset: dataset, model: configuration.network(itemCount: dataset.itemCount),
            training: configuration.training, engine: engine, lossScaling: lossScale.mode(for: precision.precision))
    }

    /// A trainer continued from `url` with the checkpoint's settings, except those given on the command line
    /// that a resumed run may change (``TrainingSetting/isAdjustableOnResume``); says which is which.
    /// - Throws: ``ResumeError`` when an option that shapes the model or its updates differs from the checkpoint.
    func resumedTrainer(from url: URL, dataset: InteractionDataset, engine: MultVAEEngine) throws -> Trainer {
        let checkpoint = try ModelFile.read(url)
        let savedScaling = checkpoint.header.lossScale?.mode ?? .none
        if let given = lossScale.lossScale, given != savedScaling {
            throw CommandFailure(
                "--loss-scale \(given) differs from the checkpoint's (\(savedScaling)): a resumed run keeps its loss scaling"
            )
        }
        let configuration = try runConfiguration()
        let settings = try ResumedSettings.resolve(
            checkpoint: checkpoint, requestedModel: configuration.network(itemCount: checkpoint.header.model.itemCount),
            requestedTraining: configuration.training, given: try givenSettings())
        let trainer = try Trainer(
            dataset: dataset, resumingFrom: checkpoint, engine: engine, training: settings.training)
        printError("resuming from \(url.path) after epoch \(trainer.completedEpochs)")
        let kept = settings.fromCheckpoint.map { "\($0.setting.rawValue) \($0.value)" }
        printError("  from the checkpoint: \(kept.joined(separator: ", "))")
        if checkpoint.header.threads != engine.executor.threadCount {
            printError(
                "  note: the checkpoint was written with \(checkpoint.header.threads) threads, this run uses \(engine.executor.threadCount); results match an uninterrupted run only with the same thread count"
            )
        }
        let checkpointPrecision = checkpoint.header.precision ?? .float32
        if checkpointPrecision != engine.gemm.precision {
            printError(
                "  note: the checkpoint was trained with --precision \(checkpointPrecision), this run uses \(engine.gemm.precision); results match an uninterrupted run only with the same precision"
            )
        }
        if !settings.changes.isEmpty {
            let changed = settings.changes.map {
                "\($0.setting.rawValue) \($0.checkpointValue) -> \($0.requestedValue)"
            }
            printError("  from the command line: \(changed.joined(separator: ", "))")
        }
        return trainer
    }
}
