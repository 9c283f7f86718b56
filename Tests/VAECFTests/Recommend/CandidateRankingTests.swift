import Testing
@testable import VAECF
import VAECFCompute
import VAECFCore

@Suite("Candidate ranking")
struct CandidateRankingTests {
    /// `TopK.select` over the whole row: the reference.
    static func reference(_ scores: [Float], k: Int, excluded: [Int32]) -> [Int32] {
        var indices = [Int32](repeating: 0, count: max(k, 1))
        var values = [Float](repeating: 0, count: max(k, 1))
        let count = scores.withUnsafeBufferPointer { row in
            excluded.withUnsafeBufferPointer { excluding in
                TopK.select(
                    scores: row.baseAddress!, count: scores.count, k: k, excluding: excluding, indices: &indices,
                    values: &values)
            }
        }
        return Array(indices.prefix(count))
    }

    @Test(
        "the same items in the same order as TopK over the whole row, with ties, exclusions and odd values",
        arguments: [false, true])
    func matchesTopK(native: Bool) {
        var random = RandomSource(seed: 17)
        let ranking = CandidateRanking(count: 9000, reductions: RowReductions(native: native))
        var indices = [Int32](repeating: 0, count: 300)
        var values = [Float](repeating: 0, count: 300)
        for trial in 0..<60 {
            let count = [9000, 8999, 700, 64, 1][trial % 5]
            // Coarse values make many ties; some rows get NaN and infinities.
            var scores = (0..<count).map { _ in Float(random.nextInt(below: trial % 2 == 0 ? 50 : 100_000)) * 0.01 }
            if trial % 7 == 3 { scores[count / 2] = .nan }
            if trial % 11 == 5 { scores[0] = .infinity }
            if trial % 13 == 6 { scores[count - 1] = -.infinity }
            let k = [1, 10, 100, 250][trial % 4]
            let excluded = Array(Set((0..<(trial % 30)).map { _ in Int32(random.nextInt(below: count)) })).sorted()
            // Every third row comes without its bias, which the ranking adds in place in its first pass.
            let bias: [Float]? = trial % 3 == 1 ? (0..<count).map { _ in Float(random.nextInt(below: 7)) * 0.25 } : nil
            let biased = bias.map { zip(scores, $0).map { $0 + $1 } } ?? scores
            let expected = Self.reference(biased, k: k, excluded: excluded)
            var row = scores
            let (selected, maximum) = row.withUnsafeMutableBufferPointer { row in
                excluded.withUnsafeBufferPointer { excluding in
                    (bias ?? []).withUnsafeBufferPointer { bias in
                        ranking.select(
                            scores: row.baseAddress!, count: count, k: k, excluding: excluding, indices: &indices,
                            values: &values, addingBias: bias.isEmpty ? nil : bias.baseAddress)
                    }
                }
            }
            #expect(Array(indices.prefix(selected)) == expected, "trial \(trial)")
            #expect(maximum == (biased.filter { !$0.isNaN }.max() ?? -.infinity), "trial \(trial)")
            #expect(row.elementsEqual(biased) { $0 == $1 || ($0.isNaN && $1.isNaN) }, "trial \(trial)")
        }
    }

    @Test("quickselect finds the rank-th largest value", arguments: [1, 2, 5, 40, 99, 100])
    func quickselect(rank: Int) {
        var random = RandomSource(seed: UInt64(rank))
        for _ in 0..<20 {
            var values = (0..<100).map { _ in
                Float(random.nextInt(below: 12)) - (random.nextInt(below: 9) == 0 ? .infinity : 0)
            }
            let expected = values.sorted(by: >)[rank - 1]
            #expect(CandidateRanking.largest(rank, of: &values, count: values.count) == expected)
        }
    }

    @Test("gather keeps the entries at or above the threshold, in order", arguments: [false, true])
    func gather(native: Bool) {
        let values: [Float] = (0..<37).map { Float(($0 * 7) % 11) } + [.nan, 10]
        var scores = [Float](repeating: 0, count: values.count)
        var items = [Int32](repeating: 0, count: values.count)
        let found = RowReductions(native: native).gather(
            values, count: values.count, atLeast: 8, scores: &scores, items: &items)
        let expected = values.indices.filter { values[$0] >= 8 }
        #expect(Array(items.prefix(found)) == expected.map { Int32($0) })
        #expect(Array(scores.prefix(found)) == expected.map { values[$0] })
    }
}
