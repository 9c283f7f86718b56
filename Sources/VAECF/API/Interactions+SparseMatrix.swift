import Foundation

extension Interactions {
    /// Interactions from a user x item sparse matrix in compressed sparse row form with its id maps, as
    /// scipy's `csr_matrix` (`indptr`, `indices`, `data`) and implicit's `user_items` hold them.
    ///
    /// - Parameters:
    ///   - userIDs: the id of each row, `[rows]`, distinct.
    ///   - itemIDs: the id of each column, `[columns]`, distinct.
    ///   - rowOffsets: `[rows + 1]`, from 0, never decreasing: row `u`'s entries are
    ///     `rowOffsets[u] ..< rowOffsets[u + 1]`.
    ///   - itemIndices: `[entries]`, each in `0 ..< columns`.
    ///   - weights: `[entries]`, or `nil` for weight 1 everywhere.
    /// - Throws: ``InteractionsError`` naming the first inconsistency.
    public init(
        userIDs: [String], itemIDs: [String], rowOffsets: [Int], itemIndices: [Int], weights: [Float]? = nil
    ) throws(InteractionsError) {
        try Self.validate(userIDs: userIDs, itemIDs: itemIDs, rowOffsets: rowOffsets, itemIndices: itemIndices)
        if let weights, weights.count != itemIndices.count {
            throw .lengthMismatch(name: "weights", expected: itemIndices.count, found: weights.count)
        }
        // The id lists keep the matrix's order (rows or columns without entries included), so the matrix's
        // indices are the rows' indices.
        var users = [Int32]()
        users.reserveCapacity(itemIndices.count)
        for row in userIDs.indices {
            users.append(contentsOf: repeatElement(Int32(row), count: rowOffsets[row + 1] - rowOffsets[row]))
        }
        self.init(
            userIDs: userIDs, itemIDs: itemIDs, users: users, items: itemIndices.map { Int32($0) },
            weights: weights ?? [Float](repeating: 1, count: itemIndices.count))
    }

    private static func validate(
        userIDs: [String], itemIDs: [String], rowOffsets: [Int], itemIndices: [Int]
    ) throws(InteractionsError) {
        if let duplicate = firstDuplicate(userIDs) { throw .duplicateID(kind: "user", id: duplicate) }
        if let duplicate = firstDuplicate(itemIDs) { throw .duplicateID(kind: "item", id: duplicate) }
        guard rowOffsets.count == userIDs.count + 1 else {
            throw .lengthMismatch(name: "rowOffsets", expected: userIDs.count + 1, found: rowOffsets.count)
        }
        guard rowOffsets.first == 0, rowOffsets.last == itemIndices.count else {
            throw .offsetsOutOfRange(
                first: rowOffsets.first ?? 0, last: rowOffsets.last ?? 0, entries: itemIndices.count)
        }
        for row in userIDs.indices where rowOffsets[row] > rowOffsets[row + 1] {
            throw .decreasingOffsets(row: row)
        }
        if let entry = itemIndices.firstIndex(where: { !(0..<itemIDs.count).contains($0) }) {
            throw .itemIndexOutOfRange(entry: entry, index: itemIndices[entry], items: itemIDs.count)
        }
    }

    private static func firstDuplicate(_ ids: [String]) -> String? {
        var seen = Set<String>()
        return ids.first { !seen.insert($0).inserted }
    }
}

/// A sparse matrix given to ``Interactions/init(userIDs:itemIDs:rowOffsets:itemIndices:weights:)`` that does not
/// describe interactions.
public enum InteractionsError: Error, Equatable, LocalizedError, CustomStringConvertible {
    /// An array has the wrong length (`rowOffsets` must have one more value than there are users, `weights`
    /// one per entry).
    case lengthMismatch(name: String, expected: Int, found: Int)
    /// The offsets do not run from 0 to the number of entries.
    case offsetsOutOfRange(first: Int, last: Int, entries: Int)
    /// `rowOffsets[row + 1] < rowOffsets[row]`.
    case decreasingOffsets(row: Int)
    /// Entry `entry` names column `index`, outside `0 ..< items`.
    case itemIndexOutOfRange(entry: Int, index: Int, items: Int)
    /// A user or item id appears twice in its map.
    case duplicateID(kind: String, id: String)

    /// The text for logs, messages and errors.
    public var description: String {
        switch self {
        case .lengthMismatch(let name, let expected, let found): "\(name) has \(found) values, expected \(expected)"
        case .offsetsOutOfRange(let first, let last, let entries):
            "rowOffsets run from \(first) to \(last), expected from 0 to the \(entries) entries"
        case .decreasingOffsets(let row): "rowOffsets decrease after row \(row)"
        case .itemIndexOutOfRange(let entry, let index, let items):
            "itemIndices[\(entry)] is \(index), expected a column in 0..<\(items)"
        case .duplicateID(let kind, let id): "\(kind) id \"\(id)\" appears twice"
        }
    }

    /// The same text as `description`.
    public var errorDescription: String? { description }
}
