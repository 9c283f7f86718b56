import Foundation
import Testing

/// `vaecf tune` and `vaecf train --config` end to end on a small synthetic dataset.
@Suite("tune command", .serialized)
struct TuneCommandTests {
    /// Four trials, rungs of 1, 2 and 4 epochs, a small network, two threads.
    static let search = [
        "--trials", "4", "--min-epochs", "1", "--max-epochs", "4", "--reduction-factor", "2", "--seed", "5",
        "--encoder-dims", "16,8", "--batch-size-train", "50", "--threads", "2",
    ]

    static func tune(_ folder: URL, _ name: String, _ extra: [String] = []) throws -> CLIResult {
        try CLIRunner.run(
            [
                "tune", "--data", folder.appendingPathComponent("data.vaecf").path,
                "--output", folder.appendingPathComponent(name).path, "--json",
            ] + search + extra)
    }

    /// The JSON report without the timings.
    static func untimed(_ result: CLIResult) throws -> [String: Any] {
        var object = try #require(
            try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let trials = try #require(object["trials"] as? [[String: Any]])
        object["trials"] = trials.map { trial in
            var trial = trial
            trial["evaluations"] = (trial["evaluations"] as? [[String: Any]] ?? []).map {
                $0.filter { $0.key != "seconds" }
            }
            return trial
        }
        var choice = try #require(object["choice"] as? [String: Any])
        choice["configuration"] = nil
        object["choice"] = choice
        return object
    }

    static func same(_ a: [String: Any], _ b: [String: Any]) -> Bool { NSDictionary(dictionary: a).isEqual(to: b) }

    @Test("same seed, same table and choice; the configuration file reproduces the chosen model with train --config")
    func deterministicAndReproducible() throws {
        let folder = try TrainCommandTests.preparedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try Self.tune(folder, "first.json")
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardError.contains("[7/7] trial"), "\(first.standardError)")
        let second = try Self.tune(folder, "second.json")
        #expect(second.status == 0, "\(second.standardError)")
        let firstReport = try Self.untimed(first)
        #expect(Self.same(firstReport, try Self.untimed(second)))
        #expect(firstReport["stopped"] as? String == "complete" && firstReport["evaluations"] as? Int == 7)
        let configuration = folder.appendingPathComponent("first.json")
        #expect(try Data(contentsOf: configuration) == Data(contentsOf: folder.appendingPathComponent("second.json")))

        let choice = try #require(firstReport["choice"] as? [String: Any])
        let test = try #require(choice["test"] as? [String: Any])
        let model = folder.appendingPathComponent("model").path
        let data = folder.appendingPathComponent("data.vaecf").path
        let train = try CLIRunner.run([
            "train", "--data", data, "--output", model, "--config", configuration.path,
            "--threads", "2", "--quiet", "--no-checkpoint",
        ])
        #expect(train.status == 0, "\(train.standardError)")
        #expect(train.standardError.contains("configuration from \(configuration.path)"))
        let measured = try CLIRunner.run(["test", "--data", data, "--model", model, "--json", "--threads", "2"])
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(measured.standardOutput.utf8)) as? [String: Any])
        for key in ["ndcg@100", "recall@20", "recall@50"] {
            #expect(object[key] as? Double == test[key] as? Double, "\(key): train --config \(object), tune \(test)")
        }

        // The table form, from the saved (complete) search.
        let table = try CLIRunner.run(["tune", "--data", data, "--output", configuration.path] + Self.search)
        #expect(table.status == 0 && table.standardError.contains("7 of 7 evaluations done"), "\(table.standardError)")
        #expect(
            table.standardOutput.hasPrefix(
                "| trial | lam | anneal-cap | total-anneal-steps | lr | keep-probability | epochs |"))
        #expect(table.standardOutput.contains("| chosen |") && table.standardOutput.contains("chosen: trial "))
    }

    @Test("options given with --config override the file's values; --model must match it; --preset is refused")
    func configOverrides() throws {
        let folder = try TrainCommandTests.preparedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data.vaecf").path
        #expect(try Self.tune(folder, "best.json").status == 0)
        let configuration = folder.appendingPathComponent("best.json").path
        let model = folder.appendingPathComponent("model").path
        let base = ["train", "--data", data, "--output", model, "--config", configuration, "--threads", "2", "--quiet"]
        let overridden = try CLIRunner.run(base + ["--epochs", "1", "--lr", "0.05", "--keep-probability", "1"])
        #expect(overridden.status == 0, "\(overridden.standardError)")
        #expect(
            overridden.standardError.contains("from the command line: epochs 4 -> 1, keep-probability "),
            "\(overridden.standardError)")
        #expect(overridden.standardError.contains("-> 1.0, lr ") && overridden.standardError.contains("-> 0.05"))
        #expect(overridden.standardError.contains("epochs 1-1"))

        // With --resume, the file's settings are checked against the checkpoint like options.
        let checkpointed = try CLIRunner.run(base + ["--epochs", "2"])
        #expect(checkpointed.status == 0, "\(checkpointed.standardError)")
        let extended = try CLIRunner.run(base + ["--resume"])
        #expect(extended.status == 0 && extended.standardError.contains("epochs 3-4"), "\(extended.standardError)")
        let changed = try CLIRunner.run(base + ["--resume", "--epochs", "6", "--lam", "0.5"])
        #expect(
            changed.status != 0 && changed.standardError.contains("--lam 0.5 (the checkpoint has"),
            "\(changed.standardError)")

        let otherModel = try CLIRunner.run(base + ["--model", "multdae"])
        #expect(
            otherModel.status != 0 && otherModel.standardError.contains("is a configuration for multvae, not multdae"))
        let preset = try CLIRunner.run(base + ["--preset", "nvidia"])
        #expect(preset.status != 0 && preset.standardError.contains("--preset and --config"))
    }

    @Test("a search killed midway and run again ends with the same trials, table and choice")
    func killedAndResumed() throws {
        let folder = try TrainCommandTests.preparedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let straight = try Self.tune(folder, "straight.json")
        #expect(straight.status == 0, "\(straight.standardError)")

        let output = folder.appendingPathComponent("killed.json").path
        let process = Process()
        process.executableURL = CLIRunner.binary
        process.arguments =
            [
                "tune", "--data", folder.appendingPathComponent("data.vaecf").path, "--output", output,
                "--json",
            ] + Self.search
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let firstCheckpoint = output + ".tune/trial-0.checkpoint"
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: firstCheckpoint) && Date() < deadline && process.isRunning {
            Thread.sleep(forTimeInterval: 0.002)
        }
        let killedMidway = process.isRunning
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(killedMidway, "the search finished before it could be killed")
        #expect(!FileManager.default.fileExists(atPath: output), "no configuration before the search ends")

        let resumed = try Self.tune(folder, "killed.json")
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardError.contains("continuing the saved search"), "\(resumed.standardError)")
        #expect(Self.same(try Self.untimed(resumed), try Self.untimed(straight)))
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: output))
                == Data(contentsOf: folder.appendingPathComponent("straight.json")))

        // Stopped by an evaluation budget, then continued: the same again.
        let budgeted = try Self.tune(folder, "budget.json", ["--max-evaluations", "3"])
        #expect(
            budgeted.status == 0 && budgeted.standardError.contains("evaluation budget reached after 3 of 7"),
            "\(budgeted.standardError)")
        let continued = try Self.tune(folder, "budget.json")
        #expect(Self.same(try Self.untimed(continued), try Self.untimed(straight)))

        // Other search arguments on the same state are refused, and the state is left as it was.
        let state = folder.appendingPathComponent("budget.json.tune/state.json")
        let before = try Data(contentsOf: state)
        let other = try Self.tune(folder, "budget.json", ["--space", "lr=0.001:0.002"])
        #expect(other.status != 0 && other.standardError.contains("holds another search"), "\(other.standardError)")
        #expect(other.standardError.contains("--space"))
        #expect(try Data(contentsOf: state) == before)
    }

    @Test("the time budget stops the search after the evaluations it allows; the choice is still written")
    func timeBudget() throws {
        let folder = try TrainCommandTests.preparedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try Self.tune(folder, "best.json", ["--time-limit", "0.001"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(
            result.standardError.contains("time budget reached after 1 of 7 evaluations"), "\(result.standardError)")
        let report = try Self.untimed(result)
        #expect(report["stopped"] as? String == "time-budget" && report["evaluations"] as? Int == 1)
        let choice = try #require(report["choice"] as? [String: Any])
        #expect(choice["trial"] as? Int == 1 && choice["epochs"] as? Int == 1)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("best.json").path))
    }

    @Test("EASE is tuned on lambda; its configuration trains with train --config")
    func ease() throws {
        let folder = try TrainCommandTests.preparedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data.vaecf").path
        let configuration = folder.appendingPathComponent("ease.json").path
        let result = try CLIRunner.run([
            "tune", "--data", data, "--output", configuration, "--model", "ease",
            "--trials", "3", "--threads", "2",
        ])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.hasPrefix("| trial | ease-lambda | epochs |"), "\(result.standardOutput)")
        let text = try String(contentsOfFile: configuration, encoding: .utf8)
        #expect(text.contains("\"model\" : \"ease\"") && text.contains("\"ease-lambda\""))
        let model = folder.appendingPathComponent("model").path
        let train = try CLIRunner.run([
            "train", "--data", data, "--output", model, "--config", configuration, "--threads", "2",
        ])
        #expect(train.status == 0 && train.standardError.contains("EASE: "), "\(train.standardError)")
    }

    @Test("bad configuration files and tune options are refused with a message and no output")
    func refusals() throws {
        let folder = try TrainCommandTests.preparedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data.vaecf").path
        let model = folder.appendingPathComponent("model").path
        let bad = folder.appendingPathComponent("bad.json")
        try Data(
            #"{"format": "vaecf-configuration", "version": 1, "model": "multvae", "settings": {"lr": "high"}}"#.utf8
        ).write(to: bad)
        let result = try CLIRunner.run(["train", "--data", data, "--output", model, "--config", bad.path])
        #expect(result.status != 0)
        #expect(
            result.standardError.contains("\(bad.path): 'settings.lr' must be a number, found \"high\""),
            "\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: model))

        for (options, message) in [
            (["--epochs", "3"], "drop --epochs"), (["--space", "lam=0:1"], "log scale"),
            (["--space", "dropout=0:1"], "'dropout' cannot be searched"),
            (["--lam", "0", "--space", "lam=1e-5:1e-3"], "--lam is given"),
        ] {
            let refused = try CLIRunner.run(["tune", "--data", data, "--output", model] + options)
            #expect(
                refused.status != 0 && refused.standardError.contains(message), "\(options): \(refused.standardError)")
        }
        #expect(!FileManager.default.fileExists(atPath: model))
    }
}
