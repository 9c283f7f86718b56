/// Interactions read from a file, after the rating threshold. Ids are arbitrary strings.
///
/// Shapes: `users` and `items` both have one entry per kept row, in file order; `users[k]` indexes
/// `userIDs` and `items[k]` indexes `itemIDs`. Duplicate (user, item) rows are kept.
package struct InteractionTable: Sendable, Equatable {
    /// Distinct original user ids of the kept rows, in order of first appearance in the file.
    package var userIDs: [String]
    /// Distinct original item ids of the kept rows, in order of first appearance in the file.
    package var itemIDs: [String]
    /// Per kept row: index into ``userIDs``.
    package var users: [Int32]
    /// Per kept row: index into ``itemIDs``.
    package var items: [Int32]
    /// Number of data rows read, before the rating threshold (blank lines are not rows).
    package var rowsRead: Int

    package init(userIDs: [String], itemIDs: [String], users: [Int32], items: [Int32], rowsRead: Int) {
        self.userIDs = userIDs
        self.itemIDs = itemIDs
        self.users = users
        self.items = items
        self.rowsRead = rowsRead
    }

    /// Number of kept rows.
    package var count: Int { users.count }
}
