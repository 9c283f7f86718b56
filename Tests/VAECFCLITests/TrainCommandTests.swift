import Foundation
import Testing

/// `vaecf train` and `vaecf test` end to end on a small synthetic dataset.
@Suite("train and test commands", .serialized)
struct TrainCommandTests {
    /// A folder with `data.vaecf` prepared from small synthetic data.
    static func preparedFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vaecf-train-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let synth = try CLIRunner.run(["synth", "--output", folder.appendingPathComponent("data.csv").path,
                                       "--users", "500", "--items", "150", "--interactions", "12000", "--seed", "2"])
        #expect(synth.status == 0, "\(synth.standardError)")
        let prepare = try CLIRunner.run(["prepare", folder.appendingPathComponent("data.csv").path,
                                         "--output", folder.appendingPathComponent("data.vaecf").path,
                                         "--heldout-users", "50"])
        #expect(prepare.status == 0, "\(prepare.standardError)")
        return folder
    }

    static let smallModel = ["--encoder-dims", "24,8", "--batch-size-train", "50", "--threads", "2"]

    @Test("train keeps the best model, test reports the metrics as JSON, info describes the model")
    func trainAndTest() throws {
        let folder = try Self.preparedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data.vaecf").path
        let model = folder.appendingPathComponent("model").path
        let log = folder.appendingPathComponent("log.jsonl").path
        let train = try CLIRunner.run(["train", "--data", data, "--output", model, "--epochs", "3", "--log-path", log] + Self.smallModel)
        #expect(train.status == 0, "\(train.standardError)")
        #expect(train.standardError.contains("compute: "))
        #expect(train.standardError.contains("epoch 3/3"))
        #expect(train.standardOutput.contains("best validation"))
        let test = try CLIRunner.run(["test", "--data", data, "--model", model, "--json"])
        #expect(test.status == 0, "\(test.standardError)")
        let object = try JSONSerialization.jsonObject(with: Data(test.standardOutput.utf8)) as? [String: Any]
        for key in ["ndcg@100", "recall@20", "recall@50"] {
            let value = object?[key] as? Double
            #expect(value != nil && value! > 0 && value! <= 1, "\(key) in \(test.standardOutput)")
        }
        #expect(object?["users"] as? Int ?? 0 > 0)
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.first?.contains("\"type\":\"parameters\"") == true)
        #expect(lines.filter { $0.contains("\"train_throughput\"") }.count == 3)
        #expect(lines.filter { $0.contains("\"ndcg@100\"") && $0.contains("\"valid_time\"") }.count == 3)
        let info = try CLIRunner.run(["info", model])
        #expect(info.status == 0, "\(info.standardError)")
        #expect(info.standardOutput.contains("model"))
    }

    @Test("a run killed with SIGKILL and resumed ends with the same model file as an uninterrupted run")
    func killAndResume() throws {
        let folder = try Self.preparedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data.vaecf").path
        let common = ["train", "--data", data, "--epochs", "8", "--checkpoint-interval", "0", "--quiet"] + Self.smallModel
        let straight = folder.appendingPathComponent("straight").path
        #expect(try CLIRunner.run(common + ["--output", straight]).status == 0)

        let interrupted = folder.appendingPathComponent("interrupted").path
        let checkpoint = interrupted + ".checkpoint"
        let process = Process()
        process.executableURL = CLIRunner.binary
        process.arguments = common + ["--output", interrupted]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: checkpoint) && Date() < deadline && process.isRunning {
            Thread.sleep(forTimeInterval: 0.005)
        }
        let killedMidway = process.isRunning
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(killedMidway, "training finished before it could be killed")
        #expect(!FileManager.default.fileExists(atPath: interrupted), "no model may exist before training ends")

        let resumed = try CLIRunner.run(common + ["--output", interrupted, "--resume"])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardError.contains("resuming from"))
        let straightBytes = try Data(contentsOf: URL(fileURLWithPath: straight))
        let resumedBytes = try Data(contentsOf: URL(fileURLWithPath: interrupted))
        #expect(straightBytes == resumedBytes)
    }

    @Test("bad inputs fail with a message and no output")
    func errors() throws {
        let folder = try Self.preparedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data.vaecf").path
        let model = folder.appendingPathComponent("model").path

        let missing = try CLIRunner.run(["train", "--data", folder.appendingPathComponent("absent.vaecf").path, "--output", model])
        #expect(missing.status != 0)
        #expect(missing.standardError.contains("absent.vaecf"))

        let csvAsData = try CLIRunner.run(["train", "--data", folder.appendingPathComponent("data.csv").path, "--output", model])
        #expect(csvAsData.status != 0)
        #expect(csvAsData.standardError.contains("data.csv"))

        let badDimensions = try CLIRunner.run(["train", "--data", data, "--output", model, "--encoder-dims", "600,x"])
        #expect(badDimensions.status != 0)
        #expect(badDimensions.standardError.contains("--encoder-dims"))

        let unwritable = try CLIRunner.run(["train", "--data", data, "--output", "/nonexistent-\(UUID().uuidString)/model", "--epochs", "1"])
        #expect(unwritable.status != 0)
        #expect(unwritable.standardError.contains("does not exist"))

        #expect(!FileManager.default.fileExists(atPath: model))

        // A corrupt checkpoint is refused on --resume.
        try Data(repeating: 7, count: 100).write(to: URL(fileURLWithPath: model + ".checkpoint"))
        let corrupt = try CLIRunner.run(["train", "--data", data, "--output", model, "--resume", "--epochs", "1"])
        #expect(corrupt.status != 0)
        #expect(corrupt.standardError.contains("not a vaecf model or checkpoint"))

        // A model evaluated on another dataset is refused.
        let otherCSV = folder.appendingPathComponent("other.csv").path
        let other = folder.appendingPathComponent("other.vaecf").path
        #expect(try CLIRunner.run(["synth", "--output", otherCSV, "--users", "400", "--items", "150", "--interactions", "9000", "--seed", "5"]).status == 0)
        #expect(try CLIRunner.run(["prepare", otherCSV, "--output", other, "--heldout-users", "40"]).status == 0)
        #expect(try CLIRunner.run(["train", "--data", data, "--output", model, "--epochs", "1", "--no-checkpoint"] + Self.smallModel).status == 0)
        let mismatch = try CLIRunner.run(["test", "--data", other, "--model", model])
        #expect(mismatch.status != 0)
        #expect(mismatch.standardError.contains("was trained on dataset"))
    }
}
