import ArgumentParser
import VAECF
import VAECFCompute
import VAECFCore
import VAECFMPI

/// Options of every command that computes: thread count (BLAS and our own loops).
struct ComputeOptions: ParsableArguments {
    @Option(
        name: .long,
        help:
            "Threads for BLAS and the other loops (default: VAECF_THREADS or all cores; under mpirun, the cores shared by the host's ranks). Select the BLAS with VAECF_BLAS=openblas|blis|mkl|portable|/path/to/lib.so."
    )
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    var threadCount: Int { threads ?? MPILaunch.detect()?.defaultThreadCount() ?? ParallelExecutor.defaultThreadCount }

    /// The engine, after printing which backend and how many threads it uses to stderr (unless not `announce`).
    func makeEngine(logitBlockRows: Int = 2048, announce: Bool = true) -> MultVAEEngine {
        makeEngine(gemm: GEMM.load(threadCount: threadCount), logitBlockRows: logitBlockRows, announce: announce)
    }

    /// ``makeEngine(logitBlockRows:announce:)`` with the dense products in `precision`.
    /// - Throws: ``ComputePrecisionError`` when this CPU lacks the instructions `precision` needs.
    func makeEngine(
        precision: ComputePrecision, logitBlockRows: Int = 2048, announce: Bool = true
    ) throws -> MultVAEEngine {
        let gemm = try GEMM.load(threadCount: threadCount).withPrecision(precision)
        return makeEngine(gemm: gemm, logitBlockRows: logitBlockRows, announce: announce)
    }

    private func makeEngine(gemm: GEMM, logitBlockRows: Int, announce: Bool) -> MultVAEEngine {
        if announce {
            for warning in gemm.warnings { printError("warning: \(warning)") }
            printError("compute: \(gemm.backendName), \(threadCount) thread\(threadCount == 1 ? "" : "s")")
        }
        return MultVAEEngine(
            gemm: gemm, executor: ParallelExecutor(threadCount: threadCount), logitBlockRows: logitBlockRows)
    }
}
