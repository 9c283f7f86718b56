import Testing
import VAECFCore

@testable import VAECF

@Suite("TopK")
struct TopKTests {
    /// Runs `TopK.select` on `scores` and returns the selected (index, value) pairs.
    private func select(_ scores: [Float], k: Int, excluding: [Int32]?) -> [(index: Int32, value: Float)] {
        let indices = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, k))
        let values = UnsafeMutablePointer<Float>.allocate(capacity: max(1, k))
        defer {
            indices.deallocate()
            values.deallocate()
        }
        let selected = scores.withUnsafeBufferPointer { scoreBuffer in
            let base = scoreBuffer.baseAddress ?? UnsafePointer(values)
            guard let excluding else {
                return TopK.select(
                    scores: base, count: scores.count, k: k, excluding: nil, indices: indices, values: values)
            }
            return excluding.withUnsafeBufferPointer { excluded in
                TopK.select(
                    scores: base, count: scores.count, k: k, excluding: excluded, indices: indices, values: values)
            }
        }
        return (0..<selected).map { (indices[$0], values[$0]) }
    }

    /// The reference: a full sort by (score descending, index ascending) of the items not excluded.
    private func reference(_ scores: [Float], k: Int, excluding: [Int32]) -> [(index: Int32, value: Float)] {
        let excluded = Set(excluding)
        let ranked = scores.indices.filter { !excluded.contains(Int32($0)) }
            .sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        return ranked.prefix(k).map { (Int32($0), scores[$0]) }
    }

    @Test("matches a full sort on random rows with ties and random exclusions")
    func matchesFullSort() {
        var random = RandomSource(seed: 11)
        for trial in 0..<300 {
            let count = 1 + random.nextInt(below: 120)
            // Few distinct values, so ties are everywhere; some rows use continuous values.
            let levels = trial % 3 == 0 ? 1_000_000 : 1 + random.nextInt(below: 6)
            let scores = (0..<count).map { _ in Float(random.nextInt(below: levels)) - Float(levels / 2) }
            let excludedCount = random.nextInt(below: count + 1)
            let excluded = random.sample(count: excludedCount, from: count).map { Int32($0) }.sorted()
            let k = random.nextInt(below: count + 5)
            let got = select(scores, k: k, excluding: excluded)
            let expected = reference(scores, k: k, excluding: excluded)
            #expect(got.map(\.index) == expected.map(\.index), "trial \(trial): count \(count), k \(k)")
            #expect(got.map(\.value) == expected.map(\.value), "trial \(trial)")
        }
    }

    @Test("long rows exercise the SIMD skip path")
    func longRows() {
        var random = RandomSource(seed: 5)
        for trial in 0..<20 {
            let count = 500 + random.nextInt(below: 2_000)
            let scores = (0..<count).map { _ in Float(random.nextInt(below: trial % 2 == 0 ? 50 : 1 << 20)) }
            let excluded = random.sample(count: random.nextInt(below: 200), from: count).map { Int32($0) }.sorted()
            for k in [1, 7, 100] {
                let got = select(scores, k: k, excluding: excluded)
                let expected = reference(scores, k: k, excluding: excluded)
                #expect(got.map(\.index) == expected.map(\.index), "trial \(trial), k \(k)")
            }
        }
    }

    @Test("ties rank the lower index first")
    func tiesByIndex() {
        let got = select([1, 3, 3, 1, 3, 2], k: 4, excluding: nil)
        #expect(got.map(\.index) == [1, 2, 4, 5])
        #expect(got.map(\.value) == [3, 3, 3, 2])
    }

    @Test("k larger than the available items returns every item not excluded")
    func kLargerThanAvailable() {
        let got = select([0.5, 0.1, 0.9, 0.3], k: 10, excluding: [2])
        #expect(got.map(\.index) == [0, 3, 1])
        #expect(got.map(\.value) == [0.5, 0.3, 0.1])
    }

    @Test("k == 0, an empty row and a fully excluded row select nothing")
    func nothingToSelect() {
        #expect(select([1, 2, 3], k: 0, excluding: nil).isEmpty)
        #expect(select([], k: 3, excluding: nil).isEmpty)
        #expect(select([1, 2, 3], k: 3, excluding: [0, 1, 2]).isEmpty)
    }

    @Test("NaN ranks like -infinity and excluded items never appear")
    func nanAndExclusions() {
        let scores: [Float] = [.nan, 2, -.infinity, 5, .nan, 4]
        let got = select(scores, k: 6, excluding: [3])
        #expect(got.map(\.index) == [5, 1, 0, 2, 4])
        let negativeInfinity = -Float.infinity
        let expectedValues: [Float] = [4, 2, negativeInfinity, negativeInfinity, negativeInfinity]
        #expect(got.map(\.value) == expectedValues)
    }
}
