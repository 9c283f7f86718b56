import ArgumentParser

@main
struct VAECFCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vaecf",
        abstract: "Variational autoencoders for collaborative filtering (Mult-VAE).",
        version: "0.1.0",
        subcommands: [
            DemoCommand.self, PrepareCommand.self, SynthCommand.self, DownloadCommand.self, InfoCommand.self,
            TrainCommand.self, TestCommand.self, RecommendCommand.self, ServeCommand.self, BenchmarkCommand.self,
        ])
}
