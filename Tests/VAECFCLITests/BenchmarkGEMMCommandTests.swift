import Foundation
import Testing

@Suite("vaecf benchmark gemm")
struct BenchmarkGEMMCommandTests {
    /// Runs `vaecf arguments...` with extra environment variables (output is a few lines: pipes are safe).
    private func run(_ arguments: [String], environment: [String: String]) throws -> CLIResult {
        guard let binary = CLIRunner.binary else { throw CLIRunnerError.binaryNotFound }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let standardOutput = Pipe()
        let standardError = Pipe()
        process.standardOutput = standardOutput
        process.standardError = standardError
        try process.run()
        let output = standardOutput.fileHandleForReading.readDataToEndOfFile()
        let error = standardError.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIResult(
            status: process.terminationStatus, standardOutput: String(decoding: output, as: UTF8.self),
            standardError: String(decoding: error, as: UTF8.self))
    }

    private let tinyShape = ["benchmark", "gemm", "--m", "9", "--n", "7", "--k", "5", "--repetitions", "2"]

    @Test("VAECF_BLAS=portable selects the portable backend")
    func environmentSelectsPortable() throws {
        let result = try run(tinyShape + ["--threads", "1"], environment: ["VAECF_BLAS": "portable"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("backend: portable, 1 thread\n"))
        #expect(result.standardOutput.contains("shape: m 9, n 7, k 5, A * B"))
        #expect(result.standardOutput.contains("GFLOP/s over 2 repetitions"))
        #expect(!result.standardError.contains("warning"))
    }

    @Test("a library path that cannot be loaded warns on stderr and runs portable")
    func unloadableLibraryWarns() throws {
        let path = "/nonexistent/vaecf-cli-test/libcblas.so"
        let result = try run(tinyShape + ["--transpose-a", "--transpose-b"], environment: ["VAECF_BLAS": path])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("warning: VAECF_BLAS=\(path): cannot use CBLAS library"))
        #expect(result.standardOutput.contains("backend: portable"))
        #expect(result.standardOutput.contains("A^T * B^T"))
    }

    @Test("an unknown --backend warns naming it")
    func unknownBackendOptionWarns() throws {
        let result = try run(tinyShape + ["--backend", "fastblas"], environment: [:])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("warning: BLAS fastblas is not openblas, blis, mkl, portable"))
        #expect(result.standardOutput.contains("backend: portable"))
    }

    @Test("--backend overrides VAECF_BLAS")
    func backendOptionWins() throws {
        let result = try run(tinyShape + ["--backend", "portable"], environment: ["VAECF_BLAS": "no-such-blas"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("backend: portable"))
        #expect(result.standardError.isEmpty)
    }

    @Test("non-positive sizes are rejected with a message naming the option")
    func invalidSizesFail() throws {
        let result = try run(["benchmark", "gemm", "--m", "0"], environment: [:])
        #expect(result.status != 0)
        #expect(result.standardError.contains("--m, --n and --k must be positive"))
        #expect(result.standardOutput.isEmpty)
    }
}
