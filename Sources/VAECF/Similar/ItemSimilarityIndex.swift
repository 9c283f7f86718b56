import VAECFCompute
import VAECFCore

/// Cosine similarities between a model's items: its item vectors (`TrainedModel.itemVectors()`) normalized to
/// unit length once, so that a batch of queries is one GEMM `[queries, dimension] x [dimension, items]`.
///
/// An item whose vector is zero has similarity 0 with every item. Costs `items x dimension` floats
/// (`items x items` for EASE), built on the first similar-items query of a ``Recommender``.
final class ItemSimilarityIndex: Sendable {
    let itemCount: Int
    let dimension: Int
    /// Unit-length item vectors, `[items, dimension]` row-major.
    let unitVectors: [Float]

    init(model: TrainedModel) {
        var (values, dimension) = model.itemVectors()
        Self.normalizeRows(&values, dimension: dimension)
        itemCount = model.itemCount
        self.dimension = dimension
        unitVectors = values
    }

    /// Scales every row of `dimension` floats of `result` to unit length, in place (norms in Double; zero rows
    /// stay zero).
    static func normalizeRows(_ result: inout [Float], dimension: Int) {
        guard dimension > 0 else { return }
        for start in stride(from: 0, to: result.count, by: dimension) {
            var squares = 0.0
            for index in start..<(start + dimension) { squares += Double(result[index]) * Double(result[index]) }
            guard squares > 0 else { continue }
            let scale = Float(1 / squares.squareRoot())
            for index in start..<(start + dimension) { result[index] *= scale }
        }
    }

    /// Writes the cosine of each item of `items` with every item into `output`, `[items.count, itemCount]`.
    func similarities(of items: [Int32], gemm: GEMM, output: UnsafeMutablePointer<Float>) {
        guard !items.isEmpty else { return }
        let dimension = dimension
        var queries = [Float](repeating: 0, count: items.count * dimension)
        for (row, item) in items.enumerated() {
            let start = Int(item) * dimension
            queries.replaceSubrange(
                row * dimension..<(row + 1) * dimension, with: unitVectors[start..<(start + dimension)])
        }
        queries.withUnsafeBufferPointer { query in
            unitVectors.withUnsafeBufferPointer { vectors in
                gemm.multiply(
                    transposeA: false, transposeB: true, m: items.count, n: itemCount, k: dimension, alpha: 1,
                    a: query.baseAddress!, lda: dimension, b: vectors.baseAddress!, ldb: dimension,
                    beta: 0, c: output, ldc: itemCount)
            }
        }
    }
}
