import ArgumentParser
import VAECF
import VAECFCompute
import VAECFCore

/// Options of every command that computes: the thread count (BLAS and our own loops) and the engine built
/// from it.
struct ComputeOptions: ParsableArguments {
    @OptionGroup var threadOptions: ThreadOptions

    var threadCount: Int { threadOptions.threadCount }

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
