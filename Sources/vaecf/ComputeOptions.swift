import ArgumentParser
import VAECF
import VAECFCompute
import VAECFCore

/// Options of every command that computes: thread count (BLAS and our own loops).
struct ComputeOptions: ParsableArguments {
    @Option(name: .long, help: "Threads for BLAS and the other loops (default: VAECF_THREADS or all cores). Select the BLAS with VAECF_BLAS=openblas|blis|mkl|portable|/path/to/lib.so.")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    var threadCount: Int { threads ?? ParallelExecutor.defaultThreadCount }

    /// The engine, after printing which backend and how many threads it uses to stderr.
    func makeEngine(logitBlockRows: Int = 2048) -> MultVAEEngine {
        let gemm = GEMM.load(threadCount: threadCount)
        for warning in gemm.warnings { printError("warning: \(warning)") }
        printError("compute: \(gemm.backendName), \(threadCount) thread\(threadCount == 1 ? "" : "s")")
        return MultVAEEngine(gemm: gemm, executor: ParallelExecutor(threadCount: threadCount), logitBlockRows: logitBlockRows)
    }
}
