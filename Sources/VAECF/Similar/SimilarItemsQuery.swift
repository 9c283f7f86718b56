/// A similar-items request: the item (original id), how many neighbours, which items may or may not appear.
public struct SimilarItemsQuery: Sendable, Equatable {
    /// The item whose neighbours are asked for; it never appears among them.
    public var item: String
    /// How many items to return; `<= 0` returns none, more than the candidates returns all candidates.
    public var count: Int
    /// Only these items may be returned (`nil`: every item).
    public var allow: [String]?
    /// These items are never returned.
    public var deny: [String]

    /// The `count` items most similar to `item`, among `allow` when given, without `deny`.
    public init(item: String, count: Int = 10, allow: [String]? = nil, deny: [String] = []) {
        self.item = item
        self.count = count
        self.allow = allow
        self.deny = deny
    }
}
