import ArgumentParser

/// `vaecf benchmark`: timing of the compute kernels on this machine.
struct BenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark",
        abstract: "Measure the speed of the compute kernels on this machine.",
        subcommands: [
            BenchmarkGEMMCommand.self, BenchmarkTrainCommand.self, BenchmarkInferenceCommand.self,
            BenchmarkAllReduceCommand.self,
        ])
}
