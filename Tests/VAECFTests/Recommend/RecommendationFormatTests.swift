import Foundation
import Testing
@testable import VAECF
import VAECFCompute
import VAECFData

@Suite("Recommendation files, user grouping and softmax")
struct RecommendationFormatTests {
    let result = RecommendationResult(
        items: [ScoredItem(id: "50", score: 0.25), ScoredItem(id: "a,\"b\"", score: 1e-7)], unknown: ["x\"y", "\n"])

    @Test("csv: one line per item with 1-based ranks, RFC 4180 quoting")
    func csv() {
        let format = RecommendationFileFormat.csv
        #expect(format.header == "user,rank,item,score\n")
        #expect(format.lines(user: "u1", result: result) == "u1,1,50,0.25\nu1,2,\"a,\"\"b\"\"\",1e-07\n")
        #expect(format.lines(user: "u2", result: RecommendationResult(items: [], unknown: ["q"])) == "")
    }

    @Test("jsonl: one object per user that parses back to the same values")
    func jsonLines() throws {
        let line = RecommendationFileFormat.jsonl.lines(user: "user \"7\"", result: result)
        #expect(line.hasSuffix("}\n") && line.filter { $0 == "\n" }.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["user"] as? String == "user \"7\"")
        #expect(object["unknown"] as? [String] == ["x\"y", "\n"])
        let items = try #require(object["items"] as? [[String: Any]])
        #expect(items.map { $0["id"] as? String } == ["50", "a,\"b\""])
        #expect(items.map { Float(($0["score"] as? Double) ?? -1) } == [0.25, 1e-7])
        #expect(RecommendationFileFormat.jsonString("\u{1}") == "\"\\u0001\"")
    }

    @Test("the output format follows the file extension")
    func inference() {
        #expect(RecommendationFileFormat.inferred(fromPath: "/a/out.JSONL") == .jsonl)
        #expect(RecommendationFileFormat.inferred(fromPath: "out.csv") == .csv)
        #expect(RecommendationFileFormat.inferred(fromPath: "out.txt") == nil)
    }

    @Test("users are grouped in order of first appearance, items in file order")
    func grouping() {
        let table = InteractionTable(
            userIDs: ["u9", "u1", "u5"], itemIDs: ["a", "b", "c"], users: [0, 1, 0, 2, 0, 1],
            items: [0, 1, 2, 2, 0, 0],
            rowsRead: 6)
        let histories = UserHistories(table: table)
        #expect(histories.count == 3 && histories.interactionCount == 6)
        #expect(histories.userIDs == ["u9", "u1", "u5"])
        #expect(histories.items(ofUser: 0) == ["a", "c", "a"])
        #expect(histories.items(ofUser: 1) == ["b", "a"])
        #expect(histories.items(ofUser: 2) == ["c"])
    }

    @Test(
        "row reductions match double-precision references with and without the native kernels",
        arguments: [false, true])
    func rowReductions(native: Bool) {
        let reductions = RowReductions(native: native)
        var values = (0..<1237).map { Float($0 % 101) * 0.07 - 3 }
        let reference = log(values.reduce(0.0) { $0 + exp(Double($1)) })
        let largest = values.max()!
        #expect(abs(reductions.logSumExp(values, count: values.count, maximum: largest) - reference) < 1e-5)
        values[3] = .nan
        values[1000] = 9
        var maxima = [Float](repeating: 0, count: 20)
        #expect(reductions.chunkMaxima(values, count: values.count, chunk: 64, into: &maxima) == 9)
        for chunk in 0..<20 {
            let slice = values[(chunk * 64)..<min(values.count, chunk * 64 + 64)].filter { !$0.isNaN }
            #expect(maxima[chunk] == slice.max()!, "chunk \(chunk)")
        }
        #expect(reductions.maximum(values, count: 7) == values[0..<7].filter { !$0.isNaN }.max()!)
        #expect(reductions.maximum(values, count: 0) == -.infinity)
        let far = [Float](repeating: -1000, count: 21) + [0]
        #expect(abs(reductions.logSumExp(far, count: far.count, maximum: 0)) < 1e-6)
        #expect(
            abs(
                reductions.sumOfExponentials(values, count: 3, shift: 0)
                    - values[0..<3].reduce(0.0) { $0 + exp(Double($1)) }) < 1e-6)
    }
}
