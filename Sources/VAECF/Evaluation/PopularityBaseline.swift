import VAECFCore

/// The most-popular baseline: every user gets the same scores, the number of training users of each item.
///
/// With an `Evaluator` (which excludes each user's fold-in items) this recommends the most popular items
/// the user has not seen yet: the non-personalized level a recommender must beat.
package struct PopularityBaseline: Sendable {
    /// Training interaction count of every item, as scores: `[items]`.
    package let itemScores: [Float]

    /// Counts the interactions per item of `train` (`[users, items]`).
    package init(train: CSRMatrix) {
        itemScores = train.columnCounts().map { Float($0) }
    }

    /// Number of items.
    package var itemCount: Int { itemScores.count }

    /// Writes the popularity scores of users `rows` into `output`, `[rows.count, items]` row-major
    /// (the same row for every user). Matches the scoring closure of `Evaluator.evaluate(_:)`.
    package func score(rows: Range<Int>, output: UnsafeMutablePointer<Float>) {
        itemScores.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress else { return }
            for row in 0..<rows.count { (output + row * source.count).update(from: base, count: source.count) }
        }
    }
}
