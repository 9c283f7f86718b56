import ArgumentParser
import Foundation
import VAECF
import VAECFBenchmarks
import VAECFData

/// `vaecf benchmark train`: training throughput against the machine's GEMM rate.
struct BenchmarkTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Time training epochs and compare the achieved GFLOP/s with a plain sgemm of the decoder's shape.",
        discussion: """
            Runs one warm-up epoch, then --timed-epochs timed ones, on a prepared dataset. For the ML-20M-shaped \
            synthetic data: python3 synth_ratings.py --out /tmp/ratings.csv && vaecf prepare /tmp/ratings.csv \
            --output /tmp/ml20m.vaecf. With --model recvae an epoch is RecVAE's (3 encoder passes and 1 decoder \
            pass over the users, its preset recvae unless --preset is given): users/s counts each pass's users, \
            and the operations are RecVAE's (TrainingCost.recVAE).
            """)

    @Option(help: "Prepared dataset.", transform: URL.init(fileURLWithPath:)) var data: URL
    @Option(name: .customLong("timed-epochs"), help: "Epochs timed after the warm-up epoch.") var timedEpochs = 2
    @Option(name: .customLong("sgemm-repetitions"), help: "Timed repetitions of the reference sgemm.")
    var sgemmRepetitions = 10
    @Flag(help: "Print one JSON object.") var json = false
    @Option(name: .customLong("model"), help: "The model to time (not ease). (default: multvae)") var modelArgument:
        ModelKind?
    @OptionGroup var options: TrainingOptions
    @OptionGroup var compute: ComputeOptions
    @OptionGroup var precision: PrecisionOptions
    @OptionGroup var lossScale: LossScaleOptions

    func validate() throws {
        if timedEpochs < 1 { throw ValidationError("--timed-epochs must be at least 1") }
        if sgemmRepetitions < 1 { throw ValidationError("--sgemm-repetitions must be at least 1") }
        if modelArgument == .ease { throw ValidationError("--model ease has no training epochs to time") }
    }

    func run() throws {
        let dataset = try DatasetFile.read(data)
        let kind = modelArgument ?? .multvae
        try lossScale.check(model: kind)
        let run = try options.runConfiguration(model: kind)
        var training = kind == .recvae ? run.training : options.training
        training.epochs = timedEpochs + 1
        let engine = try compute.makeEngine(precision: precision.precision)
        let model =
            kind == .recvae
            ? run.network(itemCount: dataset.itemCount) : try options.model(itemCount: dataset.itemCount)
        // The output layer's input width: RecVAE's decoder reads the latent code directly.
        let hidden = model.recVAE == nil ? model.decoderLayers.last!.input : model.latentDimension
        let sgemmRows = min(training.batchSizeTrain, engine.logitBlockRows)
        let sgemm = engine.gemm.measureThroughput(
            m: sgemmRows, n: dataset.itemCount, k: hidden, repetitions: sgemmRepetitions)
        let trainer = Trainer(
            dataset: dataset, model: model, training: training, engine: engine,
            lossScaling: lossScale.mode(for: precision.precision))
        printError("warm-up epoch ...")
        _ = try trainer.trainEpoch()
        var seconds = [Double]()
        var users = 0
        var entries = 0
        var updates = 0
        for epoch in 1...timedEpochs {
            if let recVAE = model.recVAE {
                users += recVAE.passesPerEpoch * dataset.train.rowCount
                entries += recVAE.passesPerEpoch * dataset.train.nonZeroCount
                updates += recVAE.passesPerEpoch * training.stepsPerEpoch(userCount: dataset.train.rowCount)
            }
            for batch in trainer.batches(ofEpoch: epoch) where model.recVAE == nil {
                users += batch.count
                entries += batch.reduce(0) { $0 + dataset.train.count(ofRow: $1) }
                updates += 1
            }
            let summary = try trainer.trainEpoch()
            seconds.append(summary.seconds)
            printError(String(format: "epoch %d: %.2f s, %.0f users/s", epoch, summary.seconds, summary.usersPerSecond))
        }
        let cost =
            model.recVAE.map {
                TrainingCost.recVAE(
                    configuration: model, encoderPasses: $0.encoderPasses * timedEpochs,
                    decoderPasses: $0.decoderPasses * timedEpochs, users: dataset.train.rowCount,
                    entries: dataset.train.nonZeroCount, updates: updates)
            } ?? TrainingCost(configuration: model, users: users, entries: entries, updates: updates)
        let totalSeconds = seconds.reduce(0, +)
        let usersPerSecond = Double(users) / totalSeconds
        let achieved = cost.total / totalSeconds / 1e9
        let peak = peakResidentBytes()
        let productSeconds = cost.total / (sgemm * 1e9)
        let object: [String: Any] = [
            "users_per_second": usersPerSecond, "achieved_gflops": achieved, "sgemm_gflops": sgemm,
            "fraction_of_sgemm": achieved / sgemm, "gemm_gflops": sgemm, "fraction_of_gemm": achieved / sgemm,
            "precision": engine.gemm.precision.rawValue, "loss_scale": trainer.lossScale.mode.description,
            "peak_rss_bytes": peak, "epochs": timedEpochs,
            "batch_size": training.batchSizeTrain, "threads": engine.executor.threadCount,
            "blas": engine.gemm.backendName,
            "epoch_seconds": seconds, "flop_per_epoch": cost.total / Double(timedEpochs),
            "sgemm_shape": [sgemmRows, hidden, dataset.itemCount], "model": kind.rawValue,
            "preset": (options.presetArgument ?? .defaultPreset(for: kind)).rawValue,
            "epoch_time_over_product_time": totalSeconds / productSeconds,
            "train_users": dataset.train.rowCount, "items": dataset.itemCount,
        ]
        if json {
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("matrix-product operations per epoch (exact):")
        for term in cost.terms {
            print(
                "  " + term.name.padding(toLength: 52, withPad: " ", startingAt: 0)
                    + String(format: "%10.1f GFLOP", term.operations / Double(timedEpochs) / 1e9))
        }
        print(
            String(
                format: "  total %.1f GFLOP per epoch; elementwise work besides (estimate) %.1f GFLOP",
                cost.total / Double(timedEpochs) / 1e9, cost.elementwiseOperations / Double(timedEpochs) / 1e9))
        let product = engine.gemm.precision == .float32 ? "sgemm" : "\(engine.gemm.precision) GEMM"
        print(
            "\(product) "
                + String(
                    format: "[%d x %d] x [%d x %d]: %.1f GFLOP/s (median of %d)", sgemmRows, hidden, hidden,
                    dataset.itemCount, sgemm, sgemmRepetitions))
        print(
            String(
                format: "training: %.0f users/s, %.1f GFLOP/s = %.1f%% of the ", usersPerSecond, achieved,
                100 * achieved / sgemm)
                + "\(product) rate; "
                + String(format: "epoch time %.2fx the products' time at that rate", totalSeconds / productSeconds))
        print(String(format: "peak resident memory: %.2f GiB", Double(peak) / 1_073_741_824))
    }
}
