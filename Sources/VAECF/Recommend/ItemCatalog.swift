/// The model's items: original id of every output column and the reverse map, built once per model.
struct ItemCatalog: Sendable {
    /// Original id of item `index`, `[items]`.
    let identifiers: [String]
    /// Item index of every original id.
    let indexByIdentifier: [String: Int32]

    init(identifiers: [String]) {
        self.identifiers = identifiers
        var map = [String: Int32](minimumCapacity: identifiers.count)
        for (index, identifier) in identifiers.enumerated() where map[identifier] == nil {
            map[identifier] = Int32(index)
        }
        indexByIdentifier = map
    }

    var count: Int { identifiers.count }

    /// A query in item indices: the fold-in and the exclusions sorted ascending without duplicates, and the
    /// ids that are not in the catalog.
    func resolve(_ query: RecommendationQuery) -> ResolvedQuery {
        var unknown = [String]()
        var unknownSeen = Set<String>()
        func indices(of identifiers: [String]) -> [Int32] {
            var result = [Int32]()
            result.reserveCapacity(identifiers.count)
            for identifier in identifiers {
                if let index = indexByIdentifier[identifier] {
                    result.append(index)
                } else if unknownSeen.insert(identifier).inserted {
                    unknown.append(identifier)
                }
            }
            return result
        }
        let foldIn = Self.sortedUnique(indices(of: query.items))
        let extra = indices(of: query.exclude)
        let excluded = extra.isEmpty ? foldIn : Self.sortedUnique(foldIn + extra)
        return ResolvedQuery(foldIn: foldIn, excluded: excluded, count: max(0, query.count), unknown: unknown)
    }

    static func sortedUnique(_ values: [Int32]) -> [Int32] {
        var sorted = values.sorted()
        var write = 0
        for read in sorted.indices where read == 0 || sorted[read] != sorted[read - 1] {
            sorted[write] = sorted[read]
            write += 1
        }
        sorted.removeLast(sorted.count - write)
        return sorted
    }
}

/// A ``RecommendationQuery`` in item indices.
struct ResolvedQuery: Sendable {
    /// The user's known items, ascending, unique: one row of the fold-in batch.
    var foldIn: [Int32]
    /// `foldIn` plus the known `exclude` items, ascending, unique: never recommended.
    var excluded: [Int32]
    /// Items requested, at least 0.
    var count: Int
    /// Ids the model does not know.
    var unknown: [String]
}
