import ArgumentParser
import Foundation
import VAECF
import VAECFData

/// `vaecf tune`: a hyperparameter search on the validation users; writes the chosen configuration.
struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract:
            "Search a model's hyperparameters on the validation users; write the best configuration for `train --config`.",
        discussion: """
            Random search with successive halving: --trials configurations are drawn (with --seed) from the \
            model's search space; each is trained for --min-epochs and scored by validation NDCG@100; the best \
            1/--reduction-factor continue their runs to the next rung (epochs x --reduction-factor), up to \
            --max-epochs. EASE is fitted once per trial. The chosen configuration (the best at the deepest rung) \
            is measured once on the test users and written to --output for `vaecf train --config`.

            Default spaces (--space NAME=LOW:HIGH,... replaces or adds ranges): multvae: lam 1e-6:0.1 (log), \
            anneal-cap 0:1, total-anneal-steps 1000:200000 (log), lr 1e-4:0.01 (log), keep-probability 0.3:1; \
            multdae: lam, lr, keep-probability; ease: ease-lambda 10:20000 (log). A training option given on the \
            command line (--lam 0) fixes that setting for every trial and removes it from the space.

            The search is saved in --state (default: OUTPUT.tune) after every evaluation; run the same command \
            again to continue an interrupted search: it ends with the same trials, table and choice. A different \
            search (other arguments, data or space) is refused. --time-limit and --max-evaluations count the \
            whole search and may change between runs.
            """)

    @Option(help: "Prepared dataset (from `vaecf prepare`).", transform: URL.init(fileURLWithPath:))
    var data: URL
    @Option(
        help: "Where to write the chosen configuration (JSON for `train --config`).",
        transform: URL.init(fileURLWithPath:))
    var output: URL
    @Option(
        help: "Folder of the search's state and trial checkpoints (default: OUTPUT.tune).",
        transform: URL.init(fileURLWithPath:))
    var state: URL?
    @Option(name: .customLong("model"), help: "The model to tune. (default: multvae)")
    var modelArgument: ModelKind?
    @Option(help: "Configurations drawn.") var trials: Int = 12
    @Option(name: .customLong("min-epochs"), help: "Epochs of the first rung.") var minEpochs: Int = 2
    @Option(name: .customLong("max-epochs"), help: "Epochs of the last rung.") var maxEpochs: Int = 50
    @Option(
        name: .customLong("reduction-factor"), help: "Rung to rung: 1/N of the trials continue, for N times the epochs."
    )
    var reductionFactor: Int = 3
    @Option(
        help:
            "Searched ranges, NAME=LOW:HIGH comma separated (names: lam, anneal-cap, total-anneal-steps, lr, keep-probability, ease-lambda)."
    )
    var space: String?
    @Option(
        name: .customLong("time-limit"),
        help: "Seconds of training for the whole search; no evaluation starts that would pass it.")
    var timeLimit: Double?
    @Option(name: .customLong("max-evaluations"), help: "Evaluations (trial x rung) for the whole search.")
    var maxEvaluations: Int?
    @Flag(help: "Print one JSON object instead of the table.") var json = false
    @Flag(help: "Print each epoch of each trial.") var verbose = false
    @OptionGroup var options: TrainingOptions
    @OptionGroup var compute: ComputeOptions
    @OptionGroup var precision: PrecisionOptions

    var model: ModelKind { modelArgument ?? .multvae }
    var stateFolder: URL { state ?? URL(fileURLWithPath: output.path + ".tune") }

    func validate() throws {
        if options.epochs != nil {
            throw ValidationError(
                "tune trains each trial from --min-epochs up to --max-epochs (successive halving): drop --epochs")
        }
        if let timeLimit, !(timeLimit > 0) { throw ValidationError("--time-limit must be positive") }
        if let maxEvaluations, maxEvaluations < 1 { throw ValidationError("--max-evaluations must be at least 1") }
        _ = try searchSpace()
    }

    /// The model's default space with `--space` applied and the dimensions fixed by given options removed.
    func searchSpace() throws -> SearchSpace {
        var dimensions = SearchSpace.defaults(for: model).dimensions
        let fixed = Set(options.givenSettings.map(\.rawValue))
        for entry in (space ?? "").split(separator: ",") {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let bounds = parts.count == 2 ? parts[1].split(separator: ":").compactMap { Double($0) } : []
            guard parts.count == 2, bounds.count == 2 else {
                throw ValidationError("--space: expected NAME=LOW:HIGH, like lam=1e-5:0.1; got '\(entry)'")
            }
            guard !fixed.contains(parts[0]) else {
                throw ValidationError("--space: --\(parts[0]) is given, which fixes it; drop one of them")
            }
            let dimension = try SearchDimension(name: parts[0], low: bounds[0], high: bounds[1])
            dimensions.removeAll { $0.name == dimension.name }
            dimensions.append(dimension)
        }
        dimensions.removeAll { fixed.contains($0.name) }
        guard !dimensions.isEmpty else {
            throw ValidationError("nothing left to search: every setting of the space is fixed")
        }
        return SearchSpace(dimensions: dimensions)
    }

    func run() throws {
        let dataset = try DatasetFile.read(data)
        try checkWritable(output)
        let base = try options.runConfiguration(model: model)
        let plan = try TuningPlan(
            base: base, space: try searchSpace(), trials: trials, minEpochs: minEpochs, maxEpochs: maxEpochs,
            reductionFactor: reductionFactor, datasetFingerprint: dataset.fingerprintHex)
        let engine = try compute.makeEngine(precision: precision.precision)
        let tuner = try Tuner(plan: plan, dataset: dataset, engine: engine, folder: stateFolder)
        var progress = TuningConsole(plan: plan, verbose: verbose)
        progress.announce(state: stateFolder)
        let stop = try tuner.run(budget: TuningBudget(seconds: timeLimit, evaluations: maxEvaluations)) {
            progress.report($0)
        }
        progress.stopped(stop, evaluations: tuner.state.evaluations.count)
        let choice = try tuner.testChoice()
        try choice.file.write(to: output)
        printError(
            "chosen: trial \(choice.evaluation.trial + 1) after \(choice.evaluation.epochs) epoch(s); configuration written to \(output.path)"
        )
        let report = TuningReport(state: tuner.state, choice: choice, stop: stop, output: output)
        print(json ? try report.json() : report.table())
    }
}
