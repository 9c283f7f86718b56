import VAECFCore

/// The lazily built ``ItemSimilarityIndex`` of a ``Recommender`` (guarded by the ``Locked`` around it).
final class SimilarityCache {
    var index: ItemSimilarityIndex?
}

extension Recommender {
    /// The `query.count` items most similar to `query.item`: cosine over the item vectors the model learned
    /// (see `TrainedModel.itemVectors()`: Mult-VAE's first encoder layer's rows, EASE's columns of `B`), best first.
    ///
    /// Scores are cosines in `[-1, 1]`; ties rank the item earlier in the model's order first. Unknown ids of
    /// `allow` and `deny` are reported in ``RecommendationResult/unknown``. The normalized vectors are computed on
    /// the first call and kept (`[items, dimension]` floats).
    /// - Throws: ``RecommenderError/unknownItem(_:)`` when `query.item` is not one of the model's items.
    public func similarItems(_ query: SimilarItemsQuery) throws(RecommenderError) -> RecommendationResult {
        try similarItems([query])[0]
    }

    /// The similar items of every query, in order: one GEMM `[queries, dimension] x [dimension, items]`.
    /// - Throws: ``RecommenderError/unknownItem(_:)`` for the first query whose item the model does not know.
    public func similarItems(_ queries: [SimilarItemsQuery]) throws(RecommenderError) -> [RecommendationResult] {
        var items = [Int32]()
        var exclusions = [(excluded: [Int32], unknown: [String])]()
        for query in queries {
            guard let item = catalog.indexByIdentifier[query.item] else { throw .unknownItem(query.item) }
            items.append(item)
            exclusions.append(excludedItems(item: item, allow: query.allow, deny: query.deny))
        }
        let count = itemCount
        var similarities = [Float](repeating: 0, count: items.count * count)
        similarityCache.withLock { cache in
            let index = cache.index ?? ItemSimilarityIndex(model: model)
            cache.index = index
            similarities.withUnsafeMutableBufferPointer { output in
                // Under the engine's lock: the GEMM backend's threads are shared with forward passes.
                workspace.withLock { index.similarities(of: items, gemm: $0.engine.gemm, output: output.baseAddress!) }
            }
        }
        return queries.indices.map { row in
            similarities.withUnsafeBufferPointer { scores in
                RecommendationResult(
                    items: topItems(
                        scores.baseAddress! + row * count, k: queries[row].count, excluding: exclusions[row].excluded),
                    unknown: exclusions[row].unknown)
            }
        }
    }

    /// The item itself, `deny`, and everything outside `allow`: ascending, unique; and the ids not in the model.
    private func excludedItems(item: Int32, allow: [String]?, deny: [String]) -> (excluded: [Int32], unknown: [String])
    {
        var unknown = [String]()
        func indices(_ identifiers: [String]) -> [Int32] {
            identifiers.compactMap { identifier in
                let index = catalog.indexByIdentifier[identifier]
                if index == nil, !unknown.contains(identifier) { unknown.append(identifier) }
                return index
            }
        }
        var excluded = [item] + indices(deny)
        if let allow {
            var allowed = [Bool](repeating: false, count: itemCount)
            for index in indices(allow) { allowed[Int(index)] = true }
            excluded += (0..<Int32(itemCount)).filter { !allowed[Int($0)] }
        }
        return (ItemCatalog.sortedUnique(excluded), unknown)
    }

    /// The top `k` of one row of scores as scored items.
    private func topItems(_ scores: UnsafePointer<Float>, k: Int, excluding: [Int32]) -> [ScoredItem] {
        let k = min(max(0, k), itemCount)
        guard k > 0 else { return [] }
        var indices = [Int32](repeating: 0, count: k)
        var values = [Float](repeating: 0, count: k)
        let selected = excluding.withUnsafeBufferPointer { excluded in
            indices.withUnsafeMutableBufferPointer { indices in
                values.withUnsafeMutableBufferPointer { values in
                    TopK.select(
                        scores: scores, count: itemCount, k: k, excluding: excluded,
                        indices: indices.baseAddress!, values: values.baseAddress!)
                }
            }
        }
        return (0..<selected).map { ScoredItem(id: catalog.identifiers[Int(indices[$0])], score: values[$0]) }
    }
}
