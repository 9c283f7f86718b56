import Foundation
import Testing

@Suite("vaecf synth and download")
struct SynthCommandTests {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("vaecf-synth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    @Test("synth writes the same CSV for any thread count, and prepare accepts it")
    func synthThenPrepare() throws {
        let first = folder.appendingPathComponent("one.csv")
        let second = folder.appendingPathComponent("two.csv")
        let options = ["--users", "300", "--items", "120", "--interactions", "6000", "--seed", "4"]
        let run = try CLIRunner.run(["synth", "--output", first.path, "--threads", "1"] + options)
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("interactions of 300 users on"))
        #expect(try CLIRunner.run(["synth", "--output", second.path, "--threads", "2"] + options).status == 0)
        let bytes = try Data(contentsOf: first)
        #expect(bytes == (try Data(contentsOf: second)))
        #expect(String(decoding: bytes.prefix(14), as: UTF8.self) == "userId,itemId\n")

        let dataset = folder.appendingPathComponent("synthetic.vaecf")
        let prepare = try CLIRunner.run(["prepare", first.path, "--output", dataset.path, "--heldout-users", "30"])
        #expect(prepare.status == 0, "\(prepare.standardError)")
        #expect(prepare.standardOutput.contains("300 users"))
    }

    @Test("synth refuses impossible settings and unwritable paths")
    func synthErrors() throws {
        let tooManyTopics = try CLIRunner.run([
            "synth", "--output", folder.appendingPathComponent("x.csv").path, "--items", "100", "--topics", "101",
        ])
        #expect(tooManyTopics.status == 64)
        #expect(tooManyTopics.standardError.contains("topics"))
        let missingFolder = folder.appendingPathComponent("missing/x.csv").path
        let unwritable = try CLIRunner.run(["synth", "--output", missingFolder, "--users", "20", "--items", "20"])
        #expect(unwritable.status == 1)
        #expect(unwritable.standardError.contains("cannot write \(missingFolder)"))
        #expect(!FileManager.default.fileExists(atPath: missingFolder))
    }

    @Test("download checks its arguments before going online")
    func downloadArguments() throws {
        let unknown = try CLIRunner.run(["download", "movielens-3m"])
        #expect(unknown.status == 64)
        #expect(unknown.standardError.contains("movielens-100k"))
        let badURL = try CLIRunner.run(["download", "movielens-100k", "--base-url", "ftp://example.org/"])
        #expect(badURL.status == 64)
        #expect(badURL.standardError.contains("--base-url must be an http or https URL"))
        let conflicting = try CLIRunner.run(["download", "movielens-100k", "--no-prepare", "--heldout-users", "5"])
        #expect(conflicting.status == 64)
    }

    @Test("download reports an unreachable server and exits with status 1")
    func downloadUnreachable() throws {
        // Port 9 (discard) on the loopback interface: nothing listens there on a test machine.
        let output = folder.appendingPathComponent("data")
        let run = try CLIRunner.run([
            "download", "movielens-100k", "--output", output.path, "--base-url", "http://127.0.0.1:9/movielens/",
        ])
        #expect(run.status == 1)
        #expect(run.standardError.contains("error: cannot download http://127.0.0.1:9/movielens/ml-100k.zip.md5"))
        #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("movielens-100k.vaecf").path))
    }
}
