import Foundation
import Testing
import VAECF

/// Open MPI's launcher, when installed (CI installs openmpi-bin and libopenmpi-dev).
enum MPIRunner {
    static let launcher: URL? = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        .split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("mpirun") }
        .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    static let absence =
        "mpirun is not installed (Debian: apt-get install openmpi-bin libopenmpi-dev): the MPI tests did not run"

    /// `mpirun --allow-run-as-root --oversubscribe -np ranks vaecf arguments...`.
    static func arguments(ranks: Int, _ arguments: [String]) throws -> [String] {
        guard let binary = CLIRunner.binary else { throw CLIRunnerError.binaryNotFound }
        return ["--allow-run-as-root", "--oversubscribe", "-np", "\(ranks)", binary.path] + arguments
    }

    static func run(ranks: Int, _ arguments: [String]) throws -> CLIResult {
        guard let launcher else { throw CLIRunnerError.binaryNotFound }
        return try CLIRunner.run(try self.arguments(ranks: ranks, arguments), executable: launcher)
    }
}

/// `mpirun -np 2 vaecf train` on loopback: the same model as one process, clear failures, resume.
@Suite("train with MPI", .serialized, .enabled(if: MPIRunner.launcher != nil, Comment(rawValue: MPIRunner.absence)))
struct MPITrainTests {
    static let common = ["--encoder-dims", "24,8", "--batch-size-train", "50", "--threads", "1", "--quiet"]

    func weights(_ path: String) throws -> [Float] { try ModelFile.read(URL(fileURLWithPath: path)).parameters }

    @Test(
        "2 ranks end with the weights of 1 process within float reordering, and the same test metrics",
        arguments: [ComputePrecision.float32, .bfloat16])
    func twoRanksMatchOneProcess(precision: ComputePrecision) throws {
        guard ComputePrecision.missingInstructions(for: precision).isEmpty else {
            print("skipped: this CPU has no AVX512-BF16, bfloat16 under mpirun is not run")
            return
        }
        let folder = try TrainCommandTests.preparedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data.vaecf").path
        let arguments =
            ["train", "--data", data, "--epochs", "3", "--no-checkpoint", "--precision", "\(precision)"] + Self.common
        let single = folder.appendingPathComponent("single").path
        let singleRun = try CLIRunner.run(arguments + ["--output", single])
        #expect(singleRun.status == 0, "\(singleRun.standardError)")
        let ranked = folder.appendingPathComponent("ranked").path
        let log = folder.appendingPathComponent("log.jsonl").path
        let rankedRun = try MPIRunner.run(ranks: 2, arguments + ["--output", ranked, "--log-path", log])
        #expect(rankedRun.status == 0, "\(rankedRun.standardError)")
        #expect(rankedRun.standardError.contains("mpi: 2 ranks"))
        #expect(rankedRun.standardError.components(separatedBy: "compute: ").count == 2, "only rank 0 prints")
        let logText = try String(contentsOfFile: log, encoding: .utf8)
        #expect(logText.contains("\"ranks\":2") && logText.contains("\"allreduce_time\""))

        let a = try weights(ranked), b = try weights(single)
        let largest = b.map { abs($0) }.max() ?? 1
        let difference = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        // Two half-batch gradient sums added by the allreduce instead of one whole-batch sum: float additions in
        // another order, ~1e-7 relative per step, which Adam passes on without amplifying much over 3 epochs. In
        // bfloat16 a weight moved by such an error may also round to a neighbouring bfloat16 value in a later
        // product (rare: 1.2e-7 in the library's test), so its bound is 1e-4.
        let bound = precision == .float32 ? 1e-5 : 1e-4
        #expect(difference / largest < Float(bound), "largest difference \(difference) of \(largest)")
        let testSingle = try CLIRunner.run(["test", "--data", data, "--model", single])
        let testRanked = try CLIRunner.run(["test", "--data", data, "--model", ranked])
        #expect(testSingle.status == 0 && testRanked.status == 0)
        // The metrics must agree; the elapsed time printed at the end of the line may not.
        func metrics(_ output: String) -> String { output.components(separatedBy: " users)").first ?? output }
        #expect(metrics(testSingle.standardOutput) == metrics(testRanked.standardOutput))
    }

    @Test("a killed rank ends the job with an error naming it; the job resumes from the last checkpoint")
    func killedRankAndResume() throws {
        let folder = try TrainCommandTests.preparedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data.vaecf").path
        let common = ["train", "--data", data, "--epochs", "8", "--checkpoint-interval", "0"] + Self.common
        let straight = folder.appendingPathComponent("straight").path
        let straightRun = try MPIRunner.run(ranks: 2, common + ["--output", straight])
        #expect(straightRun.status == 0, "\(straightRun.standardError)")

        let interrupted = folder.appendingPathComponent("interrupted").path
        let checkpoint = interrupted + ".checkpoint"
        let errorURL = folder.appendingPathComponent("mpirun.stderr")
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        let errorFile = try FileHandle(forWritingTo: errorURL)
        let process = Process()
        process.executableURL = MPIRunner.launcher
        process.arguments = try MPIRunner.arguments(ranks: 2, common + ["--output", interrupted])
        process.standardError = errorFile
        process.standardOutput = errorFile
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: checkpoint) && Date() < deadline && process.isRunning {
            Thread.sleep(forTimeInterval: 0.005)
        }
        let victim = rankProcess(1, argument: interrupted)
        #expect(victim != nil && process.isRunning, "rank 1 not found while training")
        if let victim { kill(victim, SIGKILL) }
        let ended = Date().addingTimeInterval(60)
        while process.isRunning && Date() < ended { Thread.sleep(forTimeInterval: 0.05) }
        let hung = process.isRunning
        if hung { process.terminate() }
        process.waitUntilExit()
        try errorFile.close()
        #expect(!hung, "the job hung after rank 1 died")
        #expect(process.terminationStatus != 0)
        let message = try String(contentsOf: errorURL, encoding: .utf8)
        #expect(message.contains("rank 1"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: interrupted), "no model may exist before training ends")

        let resumed = try MPIRunner.run(ranks: 2, common + ["--output", interrupted, "--resume"])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardError.contains("resuming from"))
        #expect(try weights(interrupted) == (try weights(straight)))
    }

    @Test("a global batch that does not divide between the ranks ends the job with a clear error")
    func indivisibleBatch() throws {
        let folder = try TrainCommandTests.preparedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try MPIRunner.run(
            ranks: 2,
            [
                "train", "--data", folder.appendingPathComponent("data.vaecf").path, "--output",
                folder.appendingPathComponent("model").path, "--epochs", "1", "--batch-size-train", "51", "--threads",
                "1",
            ])
        #expect(run.status != 0)
        #expect(run.standardError.contains("rank 0 of 2"), "\(run.standardError)")
        #expect(run.standardError.contains("does not divide between 2 processes"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("model").path))
    }

    @Test("benchmark allreduce sums the buffer of one training step across the ranks and times it")
    func allReduceBenchmark() throws {
        let run = try MPIRunner.run(
            ranks: 2,
            [
                "benchmark", "allreduce", "--items", "100", "--encoder-dims", "8,4", "--repetitions", "3", "--json",
            ])
        #expect(run.status == 0, "\(run.standardError)")
        let object = try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any]
        let layout = ParameterLayout(configuration: MultVAEConfiguration(itemCount: 100, encoderDimensions: [8, 4]))
        #expect(object?["floats"] as? Int == layout.count + 3)
        #expect(object?["ranks"] as? Int == 2)
        #expect((object?["median_seconds"] as? Double ?? 0) > 0)
    }

    /// The process of MPI rank `rank` whose command line contains `argument`, found in /proc.
    func rankProcess(_ rank: Int, argument: String) -> pid_t? {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = pid_t(entry),
                let commandLine = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"),
                let environment = FileManager.default.contents(atPath: "/proc/\(entry)/environ")
            else { continue }
            let arguments = commandLine.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            let variables = environment.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if arguments.first?.hasSuffix("vaecf") == true && arguments.contains(argument)
                && variables.contains("OMPI_COMM_WORLD_RANK=\(rank)")
            {
                return pid
            }
        }
        return nil
    }
}

/// Started as if by a launcher, with no usable MPI library: a clear error, whether or not MPI is installed.
@Suite("train under a launcher without MPI")
struct MPIMissingTests {
    @Test("says it was started by an MPI launcher and why MPI cannot be used")
    func missingLibrary() throws {
        let run = try CLIRunner.run(
            ["train", "--data", "/nonexistent.vaecf", "--output", "/tmp/never-written"],
            environment: [
                "OMPI_COMM_WORLD_SIZE": "2", "OMPI_COMM_WORLD_RANK": "0", "VAECF_MPI": "/nonexistent/libmpi.so",
            ])
        #expect(run.status != 0)
        #expect(run.standardError.contains("started by an MPI launcher as rank 0 of 2"), "\(run.standardError)")
        #expect(run.standardError.contains("/nonexistent/libmpi.so"))
    }

    @Test("commands that do not work across processes refuse to run as one rank of several")
    func otherCommandsRefuse() throws {
        let run = try CLIRunner.run(
            ["synth", "--output", "/tmp/never-written.csv"],
            environment: ["OMPI_COMM_WORLD_SIZE": "2", "OMPI_COMM_WORLD_RANK": "1"])
        #expect(run.status != 0)
        #expect(run.standardError.contains("only `vaecf train` and `vaecf benchmark allreduce` run across processes"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never-written.csv"))
    }

    @Test("benchmark allreduce outside a launcher says how to start it")
    func allReduceAlone() throws {
        let run = try CLIRunner.run(["benchmark", "allreduce"])
        #expect(run.status != 0)
        #expect(run.standardError.contains("mpirun -np 2 vaecf benchmark allreduce"), "\(run.standardError)")
    }
}
