import Foundation
import VAECFCompute
import VAECFCore

extension Recommender {
    /// Scores the resolved queries in blocks of ``blockRows`` users and selects each one's top items.
    func rank(_ queries: [ResolvedQuery]) -> [RecommendationResult] {
        var results = queries.map { RecommendationResult(items: [], unknown: $0.unknown) }
        // Users asking for nothing need no forward pass.
        let active = queries.indices.filter { queries[$0].count > 0 }
        guard !active.isEmpty else { return results }
        workspace.withLock { workspace in
            // Float16 calls of several blocks decode the weights once (a transient float32 copy).
            if active.count > blockRows {
                workspace.decodedWeights = outputLayer?.decodedWeights(executor: workspace.engine.executor)
            }
            defer { workspace.decodedWeights = nil }
            results.withUnsafeMutableBufferPointer { output in
                var start = 0
                while start < active.count {
                    let block = active[start..<min(active.count, start + blockRows)]
                    rankBlock(workspace, queries: queries, block: block, results: output)
                    start += block.count
                }
            }
        }
        return results
    }

    /// One forward pass for the queries `block` (indices into `queries`), then top-K per user over the workers.
    private func rankBlock(
        _ workspace: InferenceWorkspace, queries: [ResolvedQuery], block: ArraySlice<Int>,
        results: UnsafeMutableBufferPointer<RecommendationResult>
    ) {
        var offsets = [0]
        offsets.reserveCapacity(block.count + 1)
        var indices = [Int32]()
        for query in block {
            indices += queries[query].foldIn
            offsets.append(indices.count)
        }
        let foldIn = CSRMatrix(
            unchecked: block.count, columnCount: itemCount, rowOffsets: offsets, columnIndices: indices)
        let items = itemCount
        let logits = workspace.logits.reserve(block.count * items)
        // The bias of a GEMM-computed block is added in the ranking's first pass over each row.
        let pendingBias =
            computeLogits(workspace, foldIn: foldIn, rows: 0..<block.count, output: logits, deferringBias: true)
            ? outputLayer.map { UncheckedSendable($0.bias) } : nil
        let shared = UncheckedSendable((logits: logits, results: results))
        let identifiers = catalog.identifiers
        let reductions = self.reductions
        // EASE's scores `x B` are reported as they are; the autoencoders' logits as softmax probabilities.
        let softmax = outputLayer != nil
        let rankings = workspace.rankings
        workspace.engine.executor.forEachChunk(count: block.count, minimumChunk: 4) { chunk, rows in
            let ranking = rankings[chunk]
            let selected = ranking.selectedItems
            let values = ranking.selectedScores
            for row in rows {
                let query = queries[block[block.startIndex + row]]
                let scores = shared.value.logits + row * items
                let (count, maximum) = query.excluded.withUnsafeBufferPointer { excluded in
                    ranking.select(
                        scores: scores, count: items, k: min(query.count, items), excluding: excluded,
                        indices: selected, values: values, addingBias: pendingBias?.value)
                }
                let normalizer = softmax ? reductions.logSumExp(scores, count: items, maximum: maximum) : nil
                var ranked = [ScoredItem]()
                ranked.reserveCapacity(count)
                for position in 0..<count {
                    let score =
                        normalizer.map { Foundation.exp(Double(values[position]) - $0) } ?? Double(values[position])
                    ranked.append(ScoredItem(id: identifiers[Int(selected[position])], score: Float(score)))
                }
                shared.value.results[block[block.startIndex + row]].items = ranked
            }
        }
    }
}
