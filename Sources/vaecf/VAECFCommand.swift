import ArgumentParser

@main
struct VAECFCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vaecf",
        abstract: "Variational autoencoders for collaborative filtering (Mult-VAE).",
        version: "0.1.0",
        subcommands: [BenchmarkCommand.self, TrainCommand.self, TestCommand.self, PrepareCommand.self, InfoCommand.self, SynthCommand.self, DownloadCommand.self, DemoCommand.self, ServeCommand.self, RecommendCommand.self])
}
