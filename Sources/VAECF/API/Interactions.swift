import Foundation
import VAECFData

/// Interactions of users with items: rows of (user id, item id, weight), as a click log or ratings file has
/// them. Mult-VAE and its relatives use binary input: a row counts when its weight reaches the fit's
/// ``FitOptions/minimumWeight``; repeated (user, item) rows count once.
public struct Interactions: Sendable, Equatable {
    /// Distinct user ids, in order of first appearance.
    public private(set) var userIDs: [String] = []
    /// Distinct item ids, in order of first appearance.
    public private(set) var itemIDs: [String] = []
    /// Per row: index into ``userIDs``, into ``itemIDs``, and the weight.
    private(set) var users: [Int32] = []
    private(set) var items: [Int32] = []
    private(set) var weights: [Float] = []
    private var userIndex: [String: Int32] = [:]
    private var itemIndex: [String: Int32] = [:]

    /// No interactions.
    public init() {}

    /// One row of weight 1 per `(user, item)` pair.
    public init<Pairs: Sequence>(_ pairs: Pairs) where Pairs.Element == (String, String) {
        for (user, item) in pairs { append(user: user, item: item) }
    }

    /// The rows of an interaction file (CSV, TSV, MovieLens `u.data` / `ratings.dat`, gzip or zip of one; the
    /// format is detected as `vaecf prepare` does) whose rating is at least `minimumRating` (3.5 in the paper's
    /// protocol; files without ratings keep every row), each of weight 1.
    /// - Throws: `DataError` naming the file, the line and what was expected.
    public static func read(contentsOf url: URL, minimumRating: Double = 3.5) throws(DataError) -> Interactions {
        var options = ReaderOptions()
        options.ratingThreshold = minimumRating
        let table = try InteractionReader.read(url, options: options)
        return Interactions(
            userIDs: table.userIDs, itemIDs: table.itemIDs, users: table.users, items: table.items,
            weights: [Float](repeating: 1, count: table.count))
    }

    /// Rows already numbered: `users[row]` indexes `userIDs`, `items[row]` indexes `itemIDs` (distinct ids).
    init(userIDs: [String], itemIDs: [String], users: [Int32], items: [Int32], weights: [Float]) {
        self.userIDs = userIDs
        self.itemIDs = itemIDs
        self.users = users
        self.items = items
        self.weights = weights
        userIndex = Dictionary(uniqueKeysWithValues: userIDs.enumerated().map { ($1, Int32($0)) })
        itemIndex = Dictionary(uniqueKeysWithValues: itemIDs.enumerated().map { ($1, Int32($0)) })
    }

    /// Adds one row.
    public mutating func append(user: String, item: String, weight: Float = 1) {
        users.append(Self.index(of: user, in: &userIndex, ids: &userIDs))
        items.append(Self.index(of: item, in: &itemIndex, ids: &itemIDs))
        weights.append(weight)
    }

    /// Number of rows.
    public var count: Int { users.count }

    /// Row `index` (`0 ..< count`) as ids and weight.
    public subscript(index: Int) -> (user: String, item: String, weight: Float) {
        (userIDs[Int(users[index])], itemIDs[Int(items[index])], weights[index])
    }

    /// The distinct items of every user whose rows reach `minimumWeight`, in order of first appearance:
    /// `[userIDs.count]` lists of indices into ``itemIDs``.
    func itemsByUser(minimumWeight: Float) -> [[Int32]] {
        var lists = [[Int32]](repeating: [], count: userIDs.count)
        var seen = Set<Int64>()
        for row in 0..<count where weights[row] >= minimumWeight {
            let key = Int64(users[row]) << 32 | Int64(items[row])
            if seen.insert(key).inserted { lists[Int(users[row])].append(items[row]) }
        }
        return lists
    }

    private static func index(of id: String, in index: inout [String: Int32], ids: inout [String]) -> Int32 {
        if let known = index[id] { return known }
        let next = Int32(ids.count)
        index[id] = next
        ids.append(id)
        return next
    }
}
