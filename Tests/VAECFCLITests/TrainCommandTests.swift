import Foundation
import Testing
import VAECFTestSupport

/// `vaecf train` and `vaecf test` end to end on a small synthetic dataset.
@Suite("train and test commands", .serialized)
struct TrainCommandTests {
    /// A folder with `data.vaecf` prepared from small synthetic data.
    static func preparedFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vaecf-train-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let synth = try CLIRunner.run([
            "synth", "--output", folder.appendingPathComponent("data.csv").path,
            "--users", "500", "--items", "150", "--interactions", "12000", "--seed", "2",
        ])
        #expect(synth.status == 0, "\(synth.standardError)")
        let prepare = try CLIRunner.run([
            "prepare", folder.appendingPathComponent("data.csv").path,
            "--output", folder.appendingPathComponent("data.vaecf").path,
            "--heldout-users", "50",
        ])
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
        let train = try CLIRunner.run(
            ["train", "--data", data, "--output", model, "--epochs", "3", "--log-path", log] + Self.smallModel)
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
        let common =
            ["train", "--data", data, "--epochs", "8", "--checkpoint-interval", "0", "--quiet"] + Self.smallModel
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

        // Temporary files of a killed writer (a process that no longer exists) are removed by the next run.
        let folderURL = URL(fileURLWithPath: interrupted).deletingLastPathComponent()
        let stale = [
            ".interrupted.checkpoint.tmp-\(try TestProcesses.deadProcessID())-17",
            ".interrupted.tmp-\(try TestProcesses.deadProcessID())-4",
        ]
        for name in stale { try Data(count: 64).write(to: folderURL.appendingPathComponent(name)) }

        let resumed = try CLIRunner.run(common + ["--output", interrupted, "--resume"])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardError.contains("resuming from"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folderURL.path).filter {
            $0.contains(".tmp-")
        }
        #expect(leftovers.isEmpty, "\(leftovers)")
        let straightBytes = try Data(contentsOf: URL(fileURLWithPath: straight))
        let resumedBytes = try Data(contentsOf: URL(fileURLWithPath: interrupted))
        #expect(straightBytes == resumedBytes)
    }

    @Test("a finished run resumed with more epochs ends bitwise as a run started with them")
    func extendFinishedRun() throws {
        let folder = try Self.preparedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data.vaecf").path
        let common = ["train", "--data", data, "--checkpoint-interval", "0", "--quiet"] + Self.smallModel
        let straight = folder.appendingPathComponent("straight").path
        let straightRun = try CLIRunner.run(common + ["--output", straight, "--epochs", "5"])
        #expect(straightRun.status == 0, "\(straightRun.standardError)")

        let extended = folder.appendingPathComponent("extended").path
        let first = try CLIRunner.run(common + ["--output", extended, "--epochs", "3"])
        #expect(first.status == 0, "\(first.standardError)")
        let again = try CLIRunner.run(["train", "--data", data, "--output", extended, "--resume", "--threads", "2"])
        #expect(again.status == 0, "\(again.standardError)")
        #expect(again.standardError.contains("nothing to train: all 3 epochs are done"), "\(again.standardError)")

        let more = try CLIRunner.run([
            "train", "--data", data, "--output", extended, "--resume", "--epochs", "5", "--threads", "2",
        ])
        #expect(more.status == 0, "\(more.standardError)")
        #expect(more.standardError.contains("epochs 4-5"), "\(more.standardError)")
        #expect(more.standardError.contains("from the command line: epochs 3 -> 5"))
        #expect(more.standardError.contains("from the checkpoint: batch-size-train 50, "))
        #expect(more.standardError.contains("encoder-dims 24,8"))
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: straight)) == Data(contentsOf: URL(fileURLWithPath: extended)))
    }

    @Test("--resume refuses options that change the model or its updates, and accepts validation settings")
    func resumeRefusesFixedSettings() throws {
        let folder = try Self.preparedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data.vaecf").path
        let model = folder.appendingPathComponent("model").path
        let base = ["train", "--data", data, "--output", model, "--quiet", "--threads", "2"]
        #expect(
            try CLIRunner.run(base + ["--epochs", "2", "--encoder-dims", "24,8", "--batch-size-train", "50"]).status
                == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: model))
        let checkpointBefore = try Data(contentsOf: URL(fileURLWithPath: model + ".checkpoint"))

        let refused = try CLIRunner.run(
            base + ["--resume", "--epochs", "4", "--lr", "0.05", "--lam", "0", "--batch-size-train", "100"])
        #expect(refused.status != 0)
        #expect(refused.standardError.contains("--lr 0.05 (the checkpoint has 0.001)"), "\(refused.standardError)")
        #expect(refused.standardError.contains("--lam 0.0 (the checkpoint has 0.01)"))
        #expect(refused.standardError.contains("--batch-size-train 100 (the checkpoint has 50)"))
        for options in [
            ["--encoder-dims", "32,8"], ["--seed", "7"], ["--activation", "relu"], ["--preset", "nvidia"],
            ["--total-anneal-steps", "10"], ["--anneal-cap", "0.5"], ["--beta2", "0.9"], ["--top-results", "20"],
        ] {
            let result = try CLIRunner.run(base + ["--resume"] + options)
            #expect(result.status != 0, "\(options)")
            #expect(result.standardError.contains("cannot resume from"), "\(options): \(result.standardError)")
        }
        let fewer = try CLIRunner.run(base + ["--resume", "--epochs", "1"])
        #expect(fewer.status != 0)
        #expect(fewer.standardError.contains("already completed 2 epochs"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: model)) == before)
        #expect(try Data(contentsOf: URL(fileURLWithPath: model + ".checkpoint")) == checkpointBefore)

        // The checkpoint's own values, and the settings a resumed run may change, are accepted.
        let accepted = try CLIRunner.run(
            base + [
                "--resume", "--epochs", "3", "--lr", "0.001", "--encoder-dims", "24,8", "--seed", "0",
                "--validation-step", "2", "--batch-size-validation", "64",
            ])
        #expect(accepted.status == 0, "\(accepted.standardError)")
        #expect(
            accepted.standardError.contains(
                "from the command line: epochs 2 -> 3, batch-size-validation 2000 -> 64, validation-step 1 -> 2"),
            "\(accepted.standardError)")
    }

    @Test("bad inputs fail with a message and no output")
    func errors() throws {
        let folder = try Self.preparedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data.vaecf").path
        let model = folder.appendingPathComponent("model").path

        let missing = try CLIRunner.run([
            "train", "--data", folder.appendingPathComponent("absent.vaecf").path, "--output", model,
        ])
        #expect(missing.status != 0)
        #expect(missing.standardError.contains("absent.vaecf"))

        let csvAsData = try CLIRunner.run([
            "train", "--data", folder.appendingPathComponent("data.csv").path, "--output", model,
        ])
        #expect(csvAsData.status != 0)
        #expect(csvAsData.standardError.contains("data.csv"))

        let badDimensions = try CLIRunner.run(["train", "--data", data, "--output", model, "--encoder-dims", "600,x"])
        #expect(badDimensions.status != 0)
        #expect(badDimensions.standardError.contains("--encoder-dims"))

        let unwritable = try CLIRunner.run([
            "train", "--data", data, "--output", "/nonexistent-\(UUID().uuidString)/model", "--epochs", "1",
        ])
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
        #expect(
            try CLIRunner.run([
                "synth", "--output", otherCSV, "--users", "400", "--items", "150", "--interactions", "9000", "--seed",
                "5",
            ]).status == 0)
        #expect(try CLIRunner.run(["prepare", otherCSV, "--output", other, "--heldout-users", "40"]).status == 0)
        #expect(
            try CLIRunner.run(
                ["train", "--data", data, "--output", model, "--epochs", "1", "--no-checkpoint"] + Self.smallModel
            ).status == 0)
        let mismatch = try CLIRunner.run(["test", "--data", other, "--model", model])
        #expect(mismatch.status != 0)
        #expect(mismatch.standardError.contains("was trained on dataset"))
    }
}
