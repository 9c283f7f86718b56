import Foundation
import Testing
import VAECF

/// Checkpoints and damaged files given where a model is expected: `recommend`, `test`, `info`.
@Suite("checkpoints and damaged files as models", .serialized)
struct CheckpointAsModelTests {
    /// A folder with `data.vaecf`, `model` and `model.checkpoint` whose last-epoch weights differ from its best.
    static func trainedFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "vaecf-checkpoint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let csv = folder.appendingPathComponent("data.csv").path
        let data = folder.appendingPathComponent("data.vaecf").path
        for step in [
            ["synth", "--output", csv, "--users", "300", "--items", "80", "--interactions", "6000", "--seed", "2"],
            ["prepare", csv, "--output", data, "--heldout-users", "30"],
            [
                "train", "--data", data, "--output", folder.appendingPathComponent("model").path, "--epochs", "1",
                "--encoder-dims", "16,8", "--batch-size-train", "50", "--checkpoint-interval", "0", "--quiet",
            ],
        ] {
            let result = try CLIRunner.run(step)
            try #require(result.status == 0, "\(step[0]): \(result.standardError)")
        }
        let url = folder.appendingPathComponent("model.checkpoint")
        var checkpoint = try ModelFile.read(url)
        checkpoint.parameters = checkpoint.parameters.map { -$0 }
        try checkpoint.write(to: url)
        return folder
    }

    @Test("recommend, test and info use a checkpoint's best-validation weights and say so")
    func checkpointAsModel() throws {
        let folder = try Self.trainedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("model").path
        let checkpoint = folder.appendingPathComponent("model.checkpoint").path
        let data = folder.appendingPathComponent("data.vaecf").path
        let note = "\(checkpoint) is a training checkpoint: using its best-validation weights (epoch 1)"
        let items = try ModelFile.read(URL(fileURLWithPath: model)).header.itemIDs.prefix(3).joined(separator: ",")

        let fromModel = try CLIRunner.run(["recommend", "--model", model, "--items", items, "--json"])
        let fromCheckpoint = try CLIRunner.run(["recommend", "--model", checkpoint, "--items", items, "--json"])
        #expect(fromModel.status == 0 && fromCheckpoint.status == 0, "\(fromCheckpoint.standardError)")
        #expect(fromCheckpoint.standardOutput == fromModel.standardOutput)
        #expect(fromCheckpoint.standardError.contains("note: \(note)"))
        #expect(!fromModel.standardError.contains("training checkpoint"))

        func metrics(_ path: String) throws -> (CLIResult, [String: Double]) {
            let result = try CLIRunner.run(["test", "--data", data, "--model", path, "--json"])
            let object =
                try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any] ?? [:]
            return (result, object.compactMapValues { $0 as? Double }.filter { $0.key != "seconds" })
        }
        let (testCheckpoint, checkpointMetrics) = try metrics(checkpoint)
        let (_, modelMetrics) = try metrics(model)
        #expect(testCheckpoint.status == 0 && testCheckpoint.standardError.contains(note))
        #expect(!checkpointMetrics.isEmpty && checkpointMetrics == modelMetrics)

        let info = try CLIRunner.run(["info", checkpoint])
        #expect(info.status == 0 && info.standardOutput.contains("its best-validation weights (epoch 1)"))
    }

    @Test("NaN weights and a crafted block count end the command with an error, not a crash")
    func damagedModels() throws {
        let folder = try Self.trainedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model")
        var file = try ModelFile.read(url)
        let tensor = try #require(file.makeModel().layout.tensors.first { $0.name == "decoder.1.weight" })
        file.parameters[tensor.offset + 2] = .nan
        let poisoned = folder.appendingPathComponent("nan-model")
        try file.write(to: poisoned)
        let data = folder.appendingPathComponent("data.vaecf").path
        for command in [
            ["recommend", "--model", poisoned.path, "--items", file.header.itemIDs[0]],
            ["test", "--data", data, "--model", poisoned.path], ["info", poisoned.path],
        ] {
            let result = try CLIRunner.run(command)
            #expect(result.status == 1, "\(command[0]): \(result.standardError)")
            #expect(result.standardError.contains("decoder.1.weight holds NaN at index 2"), "\(command[0])")
            #expect(result.standardOutput.isEmpty)
        }

        var bytes = try Data(contentsOf: url)
        withUnsafeBytes(of: (UInt64(1) << 63 - 5).littleEndian) { bytes.replaceSubrange(12..<20, with: $0) }
        let crafted = folder.appendingPathComponent("crafted")
        try bytes.write(to: crafted)
        for command in [["info", crafted.path], ["test", "--data", data, "--model", crafted.path]] {
            let result = try CLIRunner.run(command)
            #expect(
                result.status == 1 && result.standardError.contains("truncated"),
                "\(command[0]): \(result.standardError)")
        }
    }
}
