/// The item representations that similar items are measured on (cosine, ``ItemSimilarityIndex``).
///
/// A new model kind adds one case here: a vector per item, `[items, dimension]` row-major.
///
/// - Mult-VAE / Mult-DAE: item `i`'s column of the output layer's weight `[hidden, items]` (600-d for the paper's
///   network): the direction in the last hidden layer that raises item `i`'s logit, i.e. what the decoder learned
///   the item to be. Measured on ml-100k (paper split, seed 0, 200 epochs; genres of `items.tsv`): the mean genre
///   Jaccard overlap of each item's top-10 neighbours is higher with these columns than with the first encoder
///   layer's rows, and no lower than with both concatenated (see the project report of issue 11), so this one,
///   the simpler, is used.
/// - EASE: item `j`'s column of `B` (`[items]`: how much each other item raises `j`'s score). Cosine over the
///   columns rather than `B`'s entries: the entries are not symmetric and not normalized across items.
extension TrainedModel {
    /// Every item's vector, `[items, dimension]` row-major (a copy; the model's buffers are not touched).
    func itemVectors() -> (values: [Float], dimension: Int) {
        switch self {
        case .autoencoder(let model):
            let layout = model.layout
            let input = layout.tensors[layout.encoder[0].weight]
            let output = layout.tensors[layout.decoder[layout.decoder.count - 1].weight]
            let inputRows = Array(UnsafeBufferPointer(start: model.parameters.pointer + input.offset, count: input.count))
            let outputColumns = Self.transposed(model.parameters.pointer + output.offset, rows: output.rows, columns: output.columns)
            return Self.concatenatedUnitRows([(inputRows, input.columns), (outputColumns, output.rows)], rows: input.rows)
        case .ease(let model):
            return (Self.transposed(model.weights.pointer, rows: model.itemCount, columns: model.itemCount),
                    model.itemCount)
        }
    }

    /// The rows of every part (`[rows, dimension]` each) scaled to unit length and laid side by side,
    /// `[rows, sum of dimensions]`: the cosine of two such rows is the mean of the parts' cosines.
    static func concatenatedUnitRows(_ parts: [(values: [Float], dimension: Int)], rows: Int) -> (values: [Float], dimension: Int) {
        let width = parts.reduce(0) { $0 + $1.dimension }
        var result = [Float](repeating: 0, count: rows * width)
        var column = 0
        for var (values, dimension) in parts {
            ItemSimilarityIndex.normalizeRows(&values, dimension: dimension)
            for row in 0..<rows {
                result.replaceSubrange(
                    (row * width + column)..<(row * width + column + dimension),
                    with: values[(row * dimension)..<((row + 1) * dimension)])
            }
            column += dimension
        }
        return (result, width)
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
