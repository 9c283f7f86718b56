import VAECFData

/// The items of every user of an interaction file, grouped by user: the input of batch recommendation.
///
/// Users keep the order of their first appearance in the file; each user's items keep file order (duplicates
/// included: a ``Recommender`` counts them once).
package struct UserHistories: Sendable {
    /// Original id of every user, `[users]`.
    package let userIDs: [String]
    /// Original id of every distinct item of the file.
    let itemIDs: [String]
    /// `[users + 1]` offsets into `items`.
    let offsets: [Int]
    /// Item of every interaction (index into `itemIDs`), grouped by user.
    let items: [Int32]

    /// Groups a table read by ``InteractionReader`` (a counting sort by user, stable within a user).
    package init(table: InteractionTable) {
        userIDs = table.userIDs
        itemIDs = table.itemIDs
        var offsets = [Int](repeating: 0, count: table.userIDs.count + 1)
        for user in table.users { offsets[Int(user) + 1] += 1 }
        for user in 0..<table.userIDs.count { offsets[user + 1] += offsets[user] }
        var next = offsets
        var items = [Int32](repeating: 0, count: table.count)
        for (user, item) in zip(table.users, table.items) {
            items[next[Int(user)]] = item
            next[Int(user)] += 1
        }
        self.offsets = offsets
        self.items = items
    }

    /// Number of users.
    package var count: Int { userIDs.count }

    /// Total number of interactions.
    package var interactionCount: Int { items.count }

    /// The original ids of the items of user `user`, in file order.
    package func items(ofUser user: Int) -> [String] {
        items[offsets[user]..<offsets[user + 1]].map { itemIDs[Int($0)] }
    }
}
