import Foundation
import Testing

/// `vaecf recommend` (single user and batch files) and `vaecf benchmark inference`, on a model trained for
/// one epoch on small synthetic data.
@Suite("recommend and benchmark inference commands", .serialized)
struct RecommendCommandTests {
    /// A folder with `data.csv`, `data.vaecf` and `model`, and three item ids of the model.
    static func trainedFolder() throws -> (folder: URL, items: [String]) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "vaecf-recommend-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let csv = folder.appendingPathComponent("data.csv").path
        let data = folder.appendingPathComponent("data.vaecf").path
        let steps = [
            ["synth", "--output", csv, "--users", "300", "--items", "80", "--interactions", "6000", "--seed", "2"],
            ["prepare", csv, "--output", data, "--heldout-users", "30"],
            [
                "train", "--data", data, "--output", folder.appendingPathComponent("model").path, "--epochs", "1",
                "--encoder-dims", "16,8", "--batch-size-train", "50", "--no-checkpoint", "--quiet",
            ],
        ]
        for step in steps {
            let result = try CLIRunner.run(step)
            #expect(result.status == 0, "\(step[0]): \(result.standardError)")
        }
        var items = [String]()
        for line in try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").dropFirst() {
            let item = String(line.split(separator: ",")[1])
            if !items.contains(item) { items.append(item) }
            if items.count == 3 { break }
        }
        return (folder, items)
    }

    @Test("one user: a ranked table, or JSON without the user's and the excluded items; unknown ids warned about")
    func singleUser() throws {
        let (folder, items) = try Self.trainedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("model").path
        let text = try CLIRunner.run([
            "recommend", "--model", model, "--items", "\(items[0]),\(items[1]),nope", "--k", "5",
        ])
        #expect(text.status == 0, "\(text.standardError)")
        let lines = text.standardOutput.split(separator: "\n")
        #expect(lines.count == 6 && lines[0].hasPrefix("rank"))
        #expect(lines[1].split(separator: " ").first == "1")
        #expect(text.standardError.contains("not in the model: nope"))

        let json = try CLIRunner.run([
            "recommend", "--model", model, "--items", "\(items[0]), \(items[1]),nope", "--exclude", items[2], "--k",
            "7",
            "--json",
        ])
        #expect(json.status == 0, "\(json.standardError)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        let recommended = try #require(object["items"] as? [[String: Any]])
        let ids = recommended.compactMap { $0["id"] as? String }
        #expect(ids.count == 7)
        #expect(Set(ids).isDisjoint(with: items))
        #expect(object["unknown"] as? [String] == ["nope"])
        let scores = recommended.compactMap { $0["score"] as? Double }
        #expect(scores.count == 7 && scores.allSatisfy { $0 > 0 && $0 < 1 } && scores == scores.sorted(by: >))

        let unknownOnly = try CLIRunner.run(["recommend", "--model", model, "--items", "ghost", "--k", "3"])
        #expect(unknownOnly.status == 0)
        #expect(unknownOnly.standardError.contains("no known item"))
        #expect(unknownOnly.standardOutput.split(separator: "\n").count == 4)
    }

    @Test("batch mode writes csv and JSON lines for every user of a file, atomically")
    func batchFiles() throws {
        let (folder, items) = try Self.trainedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("model").path
        let input = folder.appendingPathComponent("users.csv")
        try "customer,product\nc1,\(items[0])\nc2,\(items[1])\nc1,\(items[2])\nc3,unknown-item\n"
            .write(to: input, atomically: true, encoding: .utf8)
        let csv = folder.appendingPathComponent("out.csv")
        let common = [
            "recommend", "--model", model, "--input", input.path, "--user-column", "customer",
            "--item-column", "product", "--k", "4", "--batch-size", "2",
        ]
        let first = try CLIRunner.run(common + ["--output", csv.path])
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardError.contains("unknown-item"))
        let rows = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",") }
        #expect(rows.first == ["user", "rank", "item", "score"])
        #expect(rows.count == 13)
        #expect(
            rows.dropFirst().map { String($0[0]) } == [
                "c1", "c1", "c1", "c1", "c2", "c2", "c2", "c2", "c3", "c3", "c3", "c3",
            ])
        #expect(
            rows.dropFirst().map { String($0[1]) } == Array(repeating: ["1", "2", "3", "4"], count: 3).flatMap { $0 })
        let c1Items = rows.dropFirst().prefix(4).map { String($0[2]) }
        #expect(Set(c1Items).isDisjoint(with: [items[0], items[2]]))

        let jsonl = folder.appendingPathComponent("out.jsonl")
        let second = try CLIRunner.run(common + ["--output", jsonl.path])
        #expect(second.status == 0, "\(second.standardError)")
        let objects = try String(contentsOf: jsonl, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.map { $0["user"] as? String } == ["c1", "c2", "c3"])
        #expect(objects.allSatisfy { ($0["items"] as? [[String: Any]])?.count == 4 })
        #expect(objects[2]["unknown"] as? [String] == ["unknown-item"])
        // The jsonl items of c1 are the csv ones.
        #expect((objects[0]["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == c1Items)

        let standardOutput = try CLIRunner.run(common + ["--format", "jsonl"])
        #expect(standardOutput.status == 0)
        #expect(standardOutput.standardOutput == (try String(contentsOf: jsonl, encoding: .utf8)))
    }

    @Test("bad input, a missing model and conflicting options fail with a clear message and no output")
    func errors() throws {
        let (folder, items) = try Self.trainedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("model").path
        let bad = folder.appendingPathComponent("bad.csv")
        try "user,item\nu1,\(items[0])\nu2\n".write(to: bad, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("never.csv")
        let broken = try CLIRunner.run(["recommend", "--model", model, "--input", bad.path, "--output", output.path])
        #expect(broken.status != 0)
        #expect(
            broken.standardError.contains("bad.csv") && broken.standardError.contains("bad.csv:3"),
            "\(broken.standardError)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains("never") }
        #expect(leftovers.isEmpty)

        let missing = folder.appendingPathComponent("no-model").path
        let noModel = try CLIRunner.run(["recommend", "--model", missing, "--items", items[0]])
        #expect(noModel.status != 0 && noModel.standardError.contains(missing))

        for arguments in [
            ["--items", items[0], "--input", bad.path], [], ["--items", items[0], "--k", "0"], ["--items", " , "],
            ["--items", items[0], "--output", output.path], ["--input", bad.path, "--input-format", "xml"],
        ] {
            let result = try CLIRunner.run(["recommend", "--model", model] + arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.standardError.contains("Error") || result.standardError.contains("error"), "\(arguments)")
        }
    }

    @Test("benchmark inference reports latency percentiles, batch throughput and the float16 quality change")
    func benchmark() throws {
        let (folder, _) = try Self.trainedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for precision in ["float32", "float16"] {
            let result = try CLIRunner.run([
                "benchmark", "inference", "--items", "300", "--dimensions", "16,8", "--queries", "30", "--warm-up", "3",
                "--batch-size", "64", "--precision", precision, "--json",
            ])
            #expect(result.status == 0, "\(result.standardError)")
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
            #expect(object["precision"] as? String == precision)
            let latency = try #require(object["latency"] as? [String: Any])
            #expect(latency["count"] as? Int == 30)
            let p50 = latency["p50"] as? Double ?? 0, p99 = latency["p99"] as? Double ?? 0
            #expect(p50 > 0 && p99 >= p50)
            let batch = try #require(object["batch"] as? [String: Any])
            #expect(batch["users"] as? Int == 64 && (batch["usersPerSecond"] as? Double ?? 0) > 0)
            #expect((batch["ratio"] as? Double ?? 0) > 0)
        }
        let quality = try CLIRunner.run([
            "benchmark", "inference", "--model", folder.appendingPathComponent("model").path, "--data",
            folder.appendingPathComponent("data.vaecf").path, "--queries", "5", "--batch-size", "0",
        ])
        #expect(quality.status == 0, "\(quality.standardError)")
        #expect(quality.standardOutput.contains("test float16: ndcg@100"))
        #expect(quality.standardOutput.contains("NDCG@100 change float16 - float32"))
    }
}
