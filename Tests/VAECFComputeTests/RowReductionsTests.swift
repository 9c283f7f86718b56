import Testing
import VAECFCompute
import VAECFCore

@Suite("Row reductions")
struct RowReductionsTests {
    /// A row of logits with ties, NaN, infinities and a ragged length.
    static func row(count: Int, seed: UInt64) -> [Float] {
        var random = RandomSource(seed: seed)
        var values = (0..<count).map { _ in Float(random.nextGaussian()) * 4 - 2 }
        if count > 40 {
            values[3] = .nan
            values[17] = -.infinity
            values[29] = values[30]
        }
        return values
    }

    @Test(
        "the AVX-512 kernels give the AVX2 kernels' results bit for bit",
        arguments: [1, 7, 8, 15, 16, 17, 1023, 1024, 1040, 20108])
    func wideEqualsNative(count: Int) {
        guard RowReductions.wideKernelsAvailable else { return }
        let native = RowReductions(native: true, wide: false)
        let wide = RowReductions(native: true, wide: true)
        #expect(wide.usesWideKernels && !native.usesWideKernels)
        let values = Self.row(count: count, seed: UInt64(count))
        for chunk in [8, 24, 1024] {
            let chunks = (count + chunk - 1) / chunk
            var a = [Float](repeating: 0, count: chunks), b = [Float](repeating: 1, count: chunks)
            let largestA = native.chunkMaxima(values, count: count, chunk: chunk, into: &a)
            let largestB = wide.chunkMaxima(values, count: count, chunk: chunk, into: &b)
            #expect(largestA == largestB && a == b, "chunk \(chunk)")
        }
        let finite = values.map { $0.isNaN || $0 == -.infinity ? -1 : $0 }
        let shift = finite.max()! + 0.5
        #expect(
            native.sumOfExponentials(finite, count: count, shift: shift)
                == wide.sumOfExponentials(finite, count: count, shift: shift))
        let threshold = values.filter { !$0.isNaN }.sorted()[count / 2]
        var scoresA = [Float](repeating: 0, count: count), scoresB = [Float](repeating: 0, count: count)
        var itemsA = [Int32](repeating: 0, count: count), itemsB = [Int32](repeating: 0, count: count)
        let foundA = native.gather(values, count: count, atLeast: threshold, scores: &scoresA, items: &itemsA)
        let foundB = wide.gather(values, count: count, atLeast: threshold, scores: &scoresB, items: &itemsB)
        #expect(foundA == foundB && foundA > 0)
        #expect(Array(scoresA.prefix(foundA)) == Array(scoresB.prefix(foundB)))
        #expect(Array(itemsA.prefix(foundA)) == Array(itemsB.prefix(foundB)))
    }
}
