import VAECFCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ranks all items for held-out users and averages NDCG@K and Recall@R, as the reference Mult-VAE does.
///
/// For every user (row), the items of the fold-in row are excluded, the remaining items are ranked by score
/// (ties: lower item index first) and the top `cutoffs.maximum` are compared with the held-out row.
/// Users without held-out items are skipped and not counted. Per-user values are stored and summed in user
/// order in `Double`, so the result does not depend on the batch size or the thread count.
package struct Evaluator: Sendable {
    /// Fold-in items (`_tr`), excluded from the ranking: `[users, items]`.
    package let foldIn: CSRMatrix
    /// Held-out items (`_te`), the relevant items: `[users, items]`.
    package let heldOut: CSRMatrix
    /// Users scored per call of the scoring closure.
    package let batchSize: Int
    /// Runs the per-user ranking of a batch over the rows.
    package let executor: ParallelExecutor
    /// The reported cutoffs.
    package let cutoffs: RankingCutoffs
    /// `1 / log2(rank + 2)` for ranks `0 ..< cutoffs.maximum`.
    private let discounts: [Double]
    /// `idealGains[n]` = sum of the first `n` discounts: IDCG of a user with `n` relevant items in the top.
    private let idealGains: [Double]

    /// - Parameters:
    ///   - foldIn: `[users, items]`, the items each user has shown (excluded from the ranking).
    ///   - heldOut: `[users, items]`, same shape, the items to find.
    ///   - batchSize: users scored at a time (at least 1); the score buffer is `[batchSize, items]` floats.
    ///   - executor: parallel loop over the users of a batch.
    ///   - cutoffs: NDCG and Recall cutoffs; the paper's by default.
    package init(
        foldIn: CSRMatrix, heldOut: CSRMatrix, batchSize: Int, executor: ParallelExecutor,
        cutoffs: RankingCutoffs = .standard
    ) {
        precondition(
            foldIn.rowCount == heldOut.rowCount && foldIn.columnCount == heldOut.columnCount,
            "fold-in [\(foldIn.rowCount), \(foldIn.columnCount)] and held-out "
                + "[\(heldOut.rowCount), \(heldOut.columnCount)] must have the same shape")
        precondition(batchSize >= 1, "batchSize must be at least 1")
        self.foldIn = foldIn
        self.heldOut = heldOut
        self.batchSize = batchSize
        self.executor = executor
        self.cutoffs = cutoffs
        let discounts = (0..<cutoffs.maximum).map { 1 / log2(Double($0) + 2) }
        var idealGains = [0.0]
        for discount in discounts { idealGains.append(idealGains[idealGains.count - 1] + discount) }
        self.discounts = discounts
        self.idealGains = idealGains
    }

    /// Number of users (rows).
    package var userCount: Int { foldIn.rowCount }
    /// Number of items (columns).
    package var itemCount: Int { foldIn.columnCount }
    /// Number of users with at least one held-out item: the users the metrics average over.
    package var evaluatedUserCount: Int {
        (0..<userCount).reduce(0) { $0 + (heldOut.count(ofRow: $1) > 0 ? 1 : 0) }
    }

    /// Scores every user batch by batch and returns the mean metrics.
    ///
    /// - Parameter score: `score(rows, output)` must write the scores of users `rows` (a range of rows of
    ///   `foldIn`, at most `batchSize` long) into `output`, `[rows.count, items]` row-major; higher ranks
    ///   first. It is called serially, outside the parallel loops, so it may use a multithreaded BLAS.
    /// - Returns: the metrics at ``cutoffs`` (all 0 with `userCount == 0` when no user has held-out items).
    ///
    /// Scratch memory (the `[batchSize, items]` score buffer, per-worker top-K buffers and item masks, and
    /// the per-user values) is allocated once per call, not per batch.
    package func evaluate(
        _ score: (Range<Int>, UnsafeMutablePointer<Float>) throws -> Void
    ) rethrows -> RankingMetrics {
        let users = userCount
        let items = itemCount
        let depth = cutoffs.maximum
        let metricCount = cutoffs.ndcg.count + cutoffs.recall.count
        let batch = max(1, min(batchSize, users))
        let workers = executor.threadCount

        let scores = UnsafeMutablePointer<Float>.allocate(capacity: batch * items)
        let topIndices = UnsafeMutablePointer<Int32>.allocate(capacity: workers * depth)
        let topValues = UnsafeMutablePointer<Float>.allocate(capacity: workers * depth)
        let masks = UnsafeMutablePointer<Bool>.allocate(capacity: workers * items)
        masks.initialize(repeating: false, count: workers * items)
        let perUser = UnsafeMutablePointer<Double>.allocate(capacity: max(1, users * metricCount))
        defer {
            scores.deallocate()
            topIndices.deallocate()
            topValues.deallocate()
            masks.deallocate()
            perUser.deallocate()
        }

        // Enough rows per chunk that a chunk ranks about 64 K scores: smaller ones cost more to dispatch.
        let minimumChunk = max(1, 65_536 / max(1, items))
        var start = 0
        while start < users {
            let rows = start..<min(start + batch, users)
            try score(rows, scores)
            executor.forEachChunk(count: rows.count, minimumChunk: minimumChunk) { chunk, range in
                let worker = RankingWorker(
                    evaluator: self, topIndices: topIndices + chunk * depth, topValues: topValues + chunk * depth,
                    mask: masks + chunk * items)
                for local in range {
                    let user = rows.lowerBound + local
                    worker.measure(user: user, scores: scores + local * items, into: perUser + user * metricCount)
                }
            }
            start = rows.upperBound
        }
        return average(perUser, metricCount: metricCount)
    }

    /// Sums the per-user values of the users with held-out items, in user order.
    private func average(_ perUser: UnsafeMutablePointer<Double>, metricCount: Int) -> RankingMetrics {
        var sums = [Double](repeating: 0, count: metricCount)
        var counted = 0
        for user in 0..<userCount where heldOut.count(ofRow: user) > 0 {
            for metric in 0..<metricCount { sums[metric] += perUser[user * metricCount + metric] }
            counted += 1
        }
        let divisor = Double(max(1, counted))
        var ndcg = [Int: Double]()
        var recall = [Int: Double]()
        for (position, cutoff) in cutoffs.ndcg.enumerated() { ndcg[cutoff] = sums[position] / divisor }
        for (position, cutoff) in cutoffs.recall.enumerated() {
            recall[cutoff] = sums[cutoffs.ndcg.count + position] / divisor
        }
        return RankingMetrics(ndcg: ndcg, recall: recall, userCount: counted)
    }

    /// The per-user part of ``evaluate(_:)``: one worker's scratch and the metric formulas.
    private struct RankingWorker {
        let evaluator: Evaluator
        let topIndices: UnsafeMutablePointer<Int32>
        let topValues: UnsafeMutablePointer<Float>
        /// `[items]`, all false between users.
        let mask: UnsafeMutablePointer<Bool>

        /// Writes NDCG at every NDCG cutoff, then Recall at every Recall cutoff, for `user` into `output`;
        /// writes nothing for a user without held-out items.
        func measure(user: Int, scores: UnsafePointer<Float>, into output: UnsafeMutablePointer<Double>) {
            let foldIn = evaluator.foldIn
            let heldOut = evaluator.heldOut
            let relevant = heldOut.rowOffsets[user]..<heldOut.rowOffsets[user + 1]
            guard !relevant.isEmpty else { return }
            let depth = evaluator.cutoffs.maximum
            let shown = foldIn.rowOffsets[user]..<foldIn.rowOffsets[user + 1]
            let selected = foldIn.columnIndices.withUnsafeBufferPointer { items in
                TopK.select(
                    scores: scores, count: foldIn.columnCount, k: depth,
                    excluding: UnsafeBufferPointer(rebasing: items[shown]), indices: topIndices, values: topValues)
            }
            heldOut.columnIndices.withUnsafeBufferPointer { items in
                for position in relevant { mask[Int(items[position])] = true }
            }
            let ndcgCutoffs = evaluator.cutoffs.ndcg
            let recallCutoffs = evaluator.cutoffs.recall
            var nextNDCG = 0
            var nextRecall = 0
            var hits = 0
            var gain = 0.0
            for rank in 0..<depth {
                if rank < selected && mask[Int(topIndices[rank])] {
                    hits += 1
                    gain += evaluator.discounts[rank]
                }
                let ideal = min(rank + 1, relevant.count)
                if nextNDCG < ndcgCutoffs.count && ndcgCutoffs[nextNDCG] == rank + 1 {
                    output[nextNDCG] = gain / evaluator.idealGains[ideal]
                    nextNDCG += 1
                }
                if nextRecall < recallCutoffs.count && recallCutoffs[nextRecall] == rank + 1 {
                    output[ndcgCutoffs.count + nextRecall] = Double(hits) / Double(ideal)
                    nextRecall += 1
                }
            }
            heldOut.columnIndices.withUnsafeBufferPointer { items in
                for position in relevant { mask[Int(items[position])] = false }
            }
        }
    }
}
