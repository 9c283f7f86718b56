/// The item representations that similar items are measured on (cosine, ``ItemSimilarityIndex``).
///
/// A new model kind adds one case here: a vector per item, `[items, dimension]` row-major.
///
/// - Mult-VAE / Mult-DAE: item `i`'s row of the first encoder layer's weight `[items, hidden]` (600-d for the
///   paper's network): what having the item adds to the first hidden layer. Chosen by measurement on ml-100k
///   (reference split, two models trained 40 epochs, seeds 0 and 1, validation NDCG@100 0.417 and 0.415): the mean
///   genre Jaccard overlap (`items.tsv`) of every item with its top-10 neighbours is 0.238 / 0.239 with these rows,
///   0.225 / 0.215 with the output layer's columns (3 to 6 standard errors lower, paired over items), 0.242 / 0.239
///   with both side by side (within 1.6 standard errors of the rows alone, at twice the memory), and 0.178 for
///   random vectors.
/// - EASE: item `j`'s column of `B` (`[items]`: how much each other item raises `j`'s score); cosine over the
///   columns rather than `B`'s entries, which are neither symmetric nor on one scale across items. On the same
///   split: 0.291 for the columns, 0.293 for the rows, 0.288 for the entries of `B + Bᵀ` directly.
extension TrainedModel {
    /// Every item's vector, `[items, dimension]` row-major (a copy; the model's buffers are not touched).
    func itemVectors() -> (values: [Float], dimension: Int) {
        switch self {
        case .autoencoder(let model):
            let input = model.layout.tensors[model.layout.encoder[0].weight]
            return (
                Array(UnsafeBufferPointer(start: model.parameters.pointer + input.offset, count: input.count)),
                input.columns
            )
        case .ease(let model):
            return (
                Self.transposed(model.weights.pointer, rows: model.itemCount, columns: model.itemCount),
                model.itemCount
            )
        }
    }

    /// The transpose `[columns, rows]` of the row-major matrix `[rows, columns]` at `source`.
    static func transposed(_ source: UnsafePointer<Float>, rows: Int, columns: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: rows * columns) { buffer, initialized in
            for row in 0..<rows {
                for column in 0..<columns { buffer[column * rows + row] = source[row * columns + column] }
            }
            initialized = rows * columns
        }
    }
}
