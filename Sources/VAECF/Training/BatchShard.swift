import VAECFCore

/// One worker's part of a global mini-batch in data-parallel training.
///
/// The objective of a global batch of `B` users is the mean over its rows, so a worker that holds rows
/// `firstRow ..< firstRow + count` computes its rows' sum divided by `B` (not by `count`): the workers'
/// gradients then add up to the global batch's gradient, and one summing allreduce is the whole exchange.
/// The L2 penalty is a property of the weights, not of the rows: exactly one worker
/// (`includesRegularization`) adds its gradient `2 lam W`. The dropout masks and latent noise of a row come
/// from its global position `firstRow + local`, so every row sees the noise it would see in one process.
package struct BatchShard: Sendable, Equatable {
    /// Position of the shard's first row in the global batch.
    package var firstRow: Int
    /// Rows in the shard (may be 0 when a last partial batch has fewer rows than there are workers).
    package var count: Int
    /// Rows in the global batch: the divisor of every averaged term.
    package var globalBatchSize: Int
    /// Whether this worker adds the L2 penalty and its gradient.
    package var includesRegularization: Bool

    package init(firstRow: Int, count: Int, globalBatchSize: Int, includesRegularization: Bool) {
        precondition(firstRow >= 0 && count >= 0 && firstRow + count <= globalBatchSize && globalBatchSize > 0)
        self.firstRow = firstRow
        self.count = count
        self.globalBatchSize = globalBatchSize
        self.includesRegularization = includesRegularization
    }

    /// The whole batch in one process.
    package static func whole(_ batchSize: Int) -> BatchShard {
        BatchShard(firstRow: 0, count: batchSize, globalBatchSize: batchSize, includesRegularization: true)
    }

    /// Rank `rank`'s shard of a global batch of `batchSize` rows split over `ranks` workers: contiguous, in rank
    /// order, sizes differing by at most one (equal when `ranks` divides the batch). Rank 0 adds the penalty.
    package static func of(batchSize: Int, rank: Int, ranks: Int) -> BatchShard {
        precondition(ranks >= 1 && rank >= 0 && rank < ranks)
        let rows = ParallelExecutor.range(ofChunk: rank, chunks: ranks, count: batchSize)
        return BatchShard(
            firstRow: rows.lowerBound, count: rows.count, globalBatchSize: batchSize, includesRegularization: rank == 0)
    }
}
