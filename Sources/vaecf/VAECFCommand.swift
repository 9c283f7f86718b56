import ArgumentParser
import VAECFMPI

@main
struct VAECFCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vaecf",
        abstract: "Variational autoencoders for collaborative filtering (Mult-VAE).",
        discussion: """
            Environment: VAECF_THREADS sets the default of --threads; VAECF_BLAS=openblas|blis|mkl|portable|/path/to/lib.so \
            chooses the BLAS (default: the first CBLAS found, else portable); VAECF_MPI names the MPI library used \
            under mpirun.
            """,
        version: "0.1.0",
        subcommands: [
            DemoCommand.self, PrepareCommand.self, SynthCommand.self, DownloadCommand.self, InfoCommand.self,
            TrainCommand.self, TestCommand.self, CompareCommand.self, TuneCommand.self, RecommendCommand.self,
            SimilarCommand.self, ServeCommand.self, BenchmarkCommand.self,
        ])

    /// Parses and runs the command; under an MPI launcher with several ranks, only the commands that work
    /// across processes run (N copies of another command would write the same files N times).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if let launch = MPILaunch.detect(), launch.size > 1,
                !(command is TrainCommand || command is BenchmarkAllReduceCommand)
            {
                throw CommandFailure(
                    "started by an MPI launcher as rank \(launch.rank) of \(launch.size): only `vaecf train` and `vaecf benchmark allreduce` run across processes; run this command without mpirun"
                )
            }
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
