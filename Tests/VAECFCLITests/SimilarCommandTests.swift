import Foundation
import Testing
import VAECF

/// `vaecf similar` and `vaecf recommend --user`, on a model trained for one epoch on small synthetic data
/// (``RecommendCommandTests/trainedFolder()``), which keeps its training users by default.
@Suite("similar and recommend --user commands", .serialized)
struct SimilarCommandTests {
    @Test("similar: one table per --item, JSON lines, the library's answer; errors exit non-zero with no output")
    func similar() throws {
        let (folder, items) = try RecommendCommandTests.trainedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("model")
        let text = try CLIRunner.run([
            "similar", "--model", model.path, "--item", items[0], "--item", items[1], "--top", "4",
        ])
        #expect(text.status == 0, "\(text.standardError)")
        let lines = text.standardOutput.split(separator: "\n")
        #expect(lines.count == 12 && lines[0] == "similar to \(items[0]):" && lines[6] == "similar to \(items[1]):")

        // The portable GEMM on one thread, as the library call below: the same bits, so the same ranking.
        let json = try CLIRunner.run(
            [
                "similar", "--model", model.path, "--item", items[0], "--top", "5", "--deny", "\(items[1]),ghost",
                "--json",
                "--threads", "1",
            ], environment: ["VAECF_BLAS": "portable"])
        #expect(json.status == 0, "\(json.standardError)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        let ids = try #require(object["items"] as? [[String: Any]]).compactMap { $0["id"] as? String }
        let recommender = try Recommender.load(model, gemm: .portable(threadCount: 1), threadCount: 1)
        let expected = try recommender.similarItems(
            SimilarItemsQuery(item: items[0], count: 5, deny: [items[1], "ghost"]))
        #expect(object["item"] as? String == items[0])
        #expect(ids == expected.items.map(\.id) && ids.count == 5 && !ids.contains(items[0]) && !ids.contains(items[1]))
        #expect(object["unknown"] as? [String] == ["ghost"])
        #expect(json.standardError.contains("not in the model: ghost"))

        let unknown = try CLIRunner.run(["similar", "--model", model.path, "--item", items[0], "--item", "nope"])
        #expect(unknown.status != 0 && unknown.standardOutput.isEmpty)
        #expect(unknown.standardError.contains("unknown item id \"nope\""))
        for arguments in [["--item", items[0], "--top", "0"], []] {
            let refused = try CLIRunner.run(["similar", "--model", model.path] + arguments)
            #expect(refused.status != 0 && refused.standardOutput.isEmpty)
        }
        let missing = try CLIRunner.run([
            "similar", "--model", folder.appendingPathComponent("none").path, "--item", items[0],
        ])
        #expect(missing.status != 0 && missing.standardError.contains("none"))
    }

    @Test(
        "recommend --user: the fold-in answer of the user's training items; unknown users and files without users fail")
    func recommendKnownUser() throws {
        let (folder, _) = try RecommendCommandTests.trainedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("model")
        let users = try #require(try ModelFile.read(model).trainingUsers)
        let user = users.userIDs[0]
        let result = try CLIRunner.run(
            ["recommend", "--model", model.path, "--user", user, "--k", "6", "--json", "--threads", "1"],
            environment: ["VAECF_BLAS": "portable"])
        #expect(result.status == 0, "\(result.standardError)")
        let answer = try JSONDecoder().decode(RecommendationResult.self, from: Data(result.standardOutput.utf8))
        let recommender = try Recommender.load(model, gemm: .portable(threadCount: 1), threadCount: 1)
        let foldIn = try recommender.query(forUser: user, count: 6)
        #expect(answer.items.map(\.id) == recommender.recommend([foldIn])[0].items.map(\.id))
        #expect(Set(answer.items.map(\.id)).isDisjoint(with: foldIn.items))

        let unknown = try CLIRunner.run(["recommend", "--model", model.path, "--user", "nobody"])
        #expect(unknown.status != 0 && unknown.standardOutput.isEmpty)
        #expect(unknown.standardError.contains("unknown user id \"nobody\""))
        let both = try CLIRunner.run(["recommend", "--model", model.path, "--user", user, "--items", "x"])
        #expect(both.status != 0 && both.standardError.contains("--user cannot be combined"))

        let plain = folder.appendingPathComponent("plain")
        let data = folder.appendingPathComponent("data.vaecf").path
        let train = try CLIRunner.run([
            "train", "--data", data, "--output", plain.path, "--epochs", "1", "--encoder-dims", "16,8",
            "--no-checkpoint", "--quiet", "--no-user-histories",
        ])
        #expect(train.status == 0, "\(train.standardError)")
        #expect(try ModelFile.read(plain).trainingUsers == nil)
        let size = { (url: URL) in try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int ?? 0 }
        #expect(try size(model) - size(plain) >= users.binaryByteCount)
        let refused = try CLIRunner.run(["recommend", "--model", plain.path, "--user", user])
        #expect(refused.status != 0 && refused.standardError.contains("keeps no training users"))
    }
}
