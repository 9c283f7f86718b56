import VAECFCompute
import VAECFCore

/// A trained EASE model (Steck 2019): the item-item weights `B [items, items]` (zero diagonal). A user's
/// scores are `x B` for the binary fold-in row `x`: the sum of the rows of `B` of the items the user has.
package final class EASEModel: @unchecked Sendable {
    // @unchecked: `weights` is written only while fitting, before the model is shared.
    package let itemCount: Int
    /// The L2 weight the model was fitted with.
    package let lambda: Double
    /// `B`, row-major `[items, items]`.
    package let weights: FloatBuffer

    /// A model with the given weights (`[items * items]`, row-major).
    package init(itemCount: Int, lambda: Double, weights values: [Float]) {
        precondition(
            values.count == itemCount * itemCount, "EASE needs \(itemCount * itemCount) weights, got \(values.count)")
        self.itemCount = itemCount
        self.lambda = lambda
        weights = FloatBuffer(values)
    }

    init(itemCount: Int, lambda: Double, weights: FloatBuffer) {
        precondition(weights.count == itemCount * itemCount, "EASE needs an [items, items] weight buffer")
        self.itemCount = itemCount
        self.lambda = lambda
        self.weights = weights
    }

    /// Writes `x B` for the users `rows` of `foldIn` into `output` (`[rows.count, items]`), in parallel over
    /// the users; each row adds the weight rows of its items in order (deterministic for any thread count).
    package func scores<Rows: Collection>(
        foldIn: CSRMatrix, rows: Rows, output: UnsafeMutablePointer<Float>, executor: ParallelExecutor
    ) where Rows.Element == Int {
        let rows = Array(rows)
        precondition(
            foldIn.columnCount == itemCount, "the fold-in has \(foldIn.columnCount) items, the model \(itemCount)")
        let items = itemCount
        let source = UnsafePointer(weights.pointer)
        foldIn.rowOffsets.withUnsafeBufferPointer { offsets in
            foldIn.columnIndices.withUnsafeBufferPointer { indices in
                executor.forEachChunk(count: rows.count, minimumChunk: 8) { _, chunk in
                    for local in chunk {
                        let destination = output + local * items
                        destination.update(repeating: 0, count: items)
                        let row = rows[local]
                        for entry in offsets[row]..<offsets[row + 1] {
                            VectorMath.add(source + Int(indices[entry]) * items, to: destination, count: items)
                        }
                    }
                }
            }
        }
    }
}
