import ArgumentParser
import VAECFBenchmarks
import VAECFCompute

/// `vaecf benchmark gemm`: median GFLOP/s of one row-major SGEMM shape with the chosen backend.
struct BenchmarkGEMMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemm",
        abstract: "Measure the matrix product (SGEMM) throughput.",
        discussion: """
            Times C = op(A) * op(B) with op(A) [m, k] and op(B) [k, n], and prints the median GFLOP/s \
            (2 m n k operations per product). The backend is --backend, else the VAECF_BLAS environment \
            variable (openblas, blis, mkl, portable or a library path), else the first CBLAS found, else portable. \
            Typical Mult-VAE decoder shapes for batch b, hidden h and items i: forward --m b --n i --k h; \
            weight gradient --m h --n i --k b --transpose-a; hidden gradient --m b --n h --k i --transpose-b.
            """)

    @Option(help: "Rows of op(A) and C.")
    var m: Int = 500

    @Option(help: "Columns of op(B) and C.")
    var n: Int = 20000

    @Option(help: "Columns of op(A), rows of op(B) (the reduction length).")
    var k: Int = 600

    @Flag(name: .customLong("transpose-a"), help: "Store A as [k, m] (op(A) = A^T).")
    var transposeA = false

    @Flag(name: .customLong("transpose-b"), help: "Store B as [n, k] (op(B) = B^T).")
    var transposeB = false

    @Option(help: "Timed repetitions after one warm-up; the median is reported.")
    var repetitions: Int = 5

    @OptionGroup var threads: ThreadOptions

    @Option(help: "A BLAS by name, or a library's path (default: VAECF_BLAS, else auto).")
    var backend: BLASChoice?

    @OptionGroup var precision: PrecisionOptions

    @Flag(
        name: .customLong("bfloat16-b"),
        help: "With --precision bfloat16: give B as bfloat16 bits, as bfloat16 training's weights are.")
    var bfloat16B = false

    func validate() throws {
        guard m > 0, n > 0, k > 0 else { throw ValidationError("--m, --n and --k must be positive") }
        guard !bfloat16B || precision.precision == .bfloat16 else {
            throw ValidationError("--bfloat16-b needs --precision bfloat16")
        }
        guard repetitions > 0 else { throw ValidationError("--repetitions must be positive") }
    }

    func run() throws {
        let threadCount = threads.threadCount
        let gemm = try
            (backend.map { GEMM.load(library: $0.request, threadCount: threadCount) }
            ?? GEMM.load(threadCount: threadCount)).withPrecision(precision.precision)
        for warning in gemm.warnings { printError("warning: \(warning)") }
        let result = gemm.measureThroughputDetails(
            m: m, n: n, k: k, repetitions: repetitions, transposeA: transposeA, transposeB: transposeB,
            bfloat16B: bfloat16B)
        let operands = "\(transposeA ? "A^T" : "A") * \(transposeB ? "B^T" : "B")\(bfloat16B ? " (B as bfloat16)" : "")"
        let fastest = result.seconds.min() ?? 0
        let slowest = result.seconds.max() ?? 0
        print("backend: \(gemm.backendName), \(threadCount) thread\(threadCount == 1 ? "" : "s")")
        print("shape: m \(m), n \(n), k \(k), \(operands)")
        print(
            "median: \(format(result.medianGFLOPS)) GFLOP/s over \(repetitions) repetitions "
                + "(fastest \(format(fastest * 1000)) ms, slowest \(format(slowest * 1000)) ms)")
        print("processor time: \(format(result.medianGFLOPSPerCPUSecond)) GFLOP per CPU-second (all threads)")
    }

    private func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return String(rounded)
    }
}

/// `--backend`: a BLAS by name (the names `--help` lists) or a library's path, passed to `GEMM.load(library:)`,
/// which warns about a request it cannot honour and runs the portable GEMM.
struct BLASChoice: ExpressibleByArgument {
    /// The text as given.
    let request: String

    init?(argument: String) { request = argument }

    static var allValueStrings: [String] { ["openblas", "blis", "mkl", "portable"] }
}
