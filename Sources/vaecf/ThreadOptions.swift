import ArgumentParser
import VAECFCore
import VAECFMPI

/// `--threads N` of every command that works in parallel: one option, one check, one default.
struct ThreadOptions: ParsableArguments {
    @Option(
        help:
            "Worker threads, BLAS's included (default: VAECF_THREADS, else all cores; under mpirun, the cores of the host shared by its ranks)."
    )
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    /// The threads to use: `--threads`, else the launch's share of the cores under mpirun, else
    /// `VAECF_THREADS` or all cores.
    var threadCount: Int { threads ?? MPILaunch.detect()?.defaultThreadCount() ?? ParallelExecutor.defaultThreadCount }
}
