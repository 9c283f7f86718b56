import Foundation
import Testing

/// `train --model`, `test`, `info` and `recommend` with every model kind, and `vaecf compare`.
@Suite("model kinds and compare command", .serialized)
struct ModelCommandTests {
    static let smallNetwork = ["--encoder-dims", "16,8", "--batch-size-train", "50", "--threads", "2"]

    @Test("Mult-DAE, RecVAE and EASE train, test, describe themselves and recommend; EASE refuses --resume")
    func everyKind() throws {
        let folder = try TrainCommandTests.preparedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data.vaecf").path
        let kinds = [
            ("multdae", ["--epochs", "2", "--no-checkpoint"], "Mult-DAE"), ("ease", ["--ease-lambda", "50"], "EASE"),
            ("recvae", ["--epochs", "2", "--no-checkpoint", "--gamma", "0.01", "--lr", "0.002"], "RecVAE"),
        ]
        for (kind, extra, title) in kinds {
            let model = folder.appendingPathComponent(kind).path
            let train = try CLIRunner.run(
                ["train", "--data", data, "--output", model, "--model", kind] + extra + Self.smallNetwork)
            #expect(train.status == 0, "\(kind): \(train.standardError)")
            #expect(train.standardOutput.contains("model saved to"))
            let test = try CLIRunner.run(["test", "--data", data, "--model", model, "--json"])
            #expect(test.status == 0, "\(kind): \(test.standardError)")
            let object = try JSONSerialization.jsonObject(with: Data(test.standardOutput.utf8)) as? [String: Any]
            let ndcg = object?["ndcg@100"] as? Double
            #expect(ndcg != nil && ndcg! > 0 && ndcg! <= 1, "\(kind): \(test.standardOutput)")
            let info = try CLIRunner.run(["info", model])
            #expect(
                info.status == 0 && info.standardOutput.contains("model: \(title) (\(kind))"), "\(info.standardOutput)")
            let item = try #require(try Self.firstItem(of: folder))
            let recommend = try CLIRunner.run(["recommend", "--model", model, "--items", item, "--k", "3", "--json"])
            #expect(recommend.status == 0, "\(kind): \(recommend.standardError)")
            #expect(!recommend.standardOutput.contains("\"\(item)\""), "\(recommend.standardOutput)")
        }
        let resume = try CLIRunner.run([
            "train", "--data", data, "--output", folder.appendingPathComponent("x").path, "--model", "ease", "--resume",
        ])
        #expect(resume.status != 0 && resume.standardError.contains("nothing to --resume"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("x").path))
        let gamma = try CLIRunner.run([
            "train", "--data", data, "--output", folder.appendingPathComponent("y").path, "--gamma", "0.01",
        ])
        #expect(gamma.status != 0 && gamma.standardError.contains("--gamma applies to --model recvae only"))
        let deep = try CLIRunner.run([
            "train", "--data", data, "--output", folder.appendingPathComponent("y").path, "--model", "recvae",
            "--encoder-dims", "16,8,4",
        ])
        #expect(deep.status != 0 && deep.standardError.contains("hidden width and latent size"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("y").path))
    }

    @Test("compare trains the chosen models and the baseline on one split: a table, or JSON")
    func compare() throws {
        let folder = try TrainCommandTests.preparedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data.vaecf").path
        let json = try CLIRunner.run(
            [
                "compare", "--data", data, "--models", "multvae,ease,multdae,recvae", "--epochs", "2", "--ease-lambda",
                "50", "--json",
            ]
                + Self.smallNetwork)
        #expect(json.status == 0, "\(json.standardError)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        let rows = try #require(object["models"] as? [[String: Any]])
        #expect(rows.map { $0["model"] as? String } == ["popularity", "multvae", "ease", "multdae", "recvae"])
        for row in rows {
            for key in ["ndcg@100", "recall@20", "recall@50"] {
                let value = row[key] as? Double
                #expect(value != nil && value! > 0 && value! <= 1, "\(key) in \(row)")
            }
            #expect((row["parameters"] as? Int ?? 0) > 0 && (row["training_seconds"] as? Double ?? -1) >= 0)
        }
        // EASE's weights are items x items.
        let easeParameters = rows[2]["parameters"] as? Int ?? 0
        let items = Int(Double(easeParameters).squareRoot().rounded())
        #expect(items > 0 && items * items == easeParameters && items <= 150)
        let table = try CLIRunner.run(
            ["compare", "--data", data, "--models", "ease", "--ease-lambda", "50"] + Self.smallNetwork)
        #expect(table.status == 0, "\(table.standardError)")
        let lines = table.standardOutput.split(separator: "\n")
        #expect(lines.count == 4 && lines[0].hasPrefix("| model | NDCG@100") && lines[3].hasPrefix("| EASE |"))
        let bad = try CLIRunner.run(["compare", "--data", data, "--models", "ease,slim"])
        #expect(bad.status != 0 && bad.standardError.contains("unknown model 'slim'"))
    }

    /// The first item id of the folder's `data.csv`.
    static func firstItem(of folder: URL) throws -> String? {
        let lines = try String(contentsOf: folder.appendingPathComponent("data.csv"), encoding: .utf8).split(
            separator: "\n")
        return lines.dropFirst().first.map { String($0.split(separator: ",")[1]) }
    }
}
