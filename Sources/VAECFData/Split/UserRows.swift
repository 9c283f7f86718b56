import VAECFCore

/// The distinct items of every user of an ``InteractionTable``, grouped by user (a CSR layout whose rows
/// may end with unused slots), and the steps of ``PaperSplit`` that work on them.
struct UserRows {
    /// `userCount + 1` offsets of every user's slots in `entries`.
    let offsets: [Int]
    /// Original item indices; row `u` holds its distinct items in `offsets[u] ..< offsets[u] + distinctCounts[u]`.
    let entries: [Int32]
    /// Number of distinct items of every user: `[userCount]`.
    let distinctCounts: [Int]

    /// Groups the rows of `table` by user (a stable counting sort) and drops repeated items of a user.
    init(_ table: InteractionTable, executor: ParallelExecutor) {
        let userCount = table.userIDs.count
        let itemCount = table.itemIDs.count
        var (offsets, entries) = CSRAssembly.groupingByRow(rowCount: userCount, rows: table.users, columns: table.items)
        var distinct = [Int](repeating: 0, count: userCount)
        // De-duplicate every row in place with a per-worker "last user that saw this item" marker.
        offsets.withUnsafeBufferPointer { offsets in
            entries.withUnsafeMutableBufferPointer { entries in
                distinct.withUnsafeMutableBufferPointer { distinct in
                    executor.forEachChunk(count: userCount, minimumChunk: 1024) { _, users in
                        var lastUser = [Int32](repeating: -1, count: itemCount)
                        lastUser.withUnsafeMutableBufferPointer { lastUser in
                            for user in users {
                                let marker = Int32(user)
                                var write = offsets[user]
                                for read in offsets[user]..<offsets[user + 1] {
                                    let item = Int(entries[read])
                                    if lastUser[item] != marker {
                                        lastUser[item] = marker
                                        entries[write] = entries[read]
                                        write += 1
                                    }
                                }
                                distinct[user] = write - offsets[user]
                            }
                        }
                    }
                }
            }
        }
        self.offsets = offsets
        self.entries = entries
        self.distinctCounts = distinct
    }

    /// Whether each item has at least `minimum` distinct users: `[itemCount]`.
    func itemsWithUsers(atLeast minimum: Int, itemCount: Int) -> [Bool] {
        guard minimum > 1 else { return [Bool](repeating: true, count: itemCount) }
        var counts = [Int](repeating: 0, count: itemCount)
        counts.withUnsafeMutableBufferPointer { counts in
            entries.withUnsafeBufferPointer { entries in
                for user in 0..<distinctCounts.count {
                    let start = offsets[user]
                    for slot in start..<(start + distinctCounts[user]) { counts[Int(entries[slot])] += 1 }
                }
            }
        }
        return counts.map { $0 >= minimum }
    }

    /// Number of kept distinct items of every user: `[userCount]`.
    func keptCounts(itemKept: [Bool], filtering: Bool, executor: ParallelExecutor) -> [Int] {
        guard filtering else { return distinctCounts }
        var kept = [Int](repeating: 0, count: distinctCounts.count)
        entries.withUnsafeBufferPointer { entries in
            itemKept.withUnsafeBufferPointer { itemKept in
                kept.withUnsafeMutableBufferPointer { kept in
                    executor.forEachChunk(count: distinctCounts.count, minimumChunk: 1024) { _, users in
                        for user in users {
                            let start = offsets[user]
                            var count = 0
                            for slot in start..<(start + distinctCounts[user]) where itemKept[Int(entries[slot])] {
                                count += 1
                            }
                            kept[user] = count
                        }
                    }
                }
            }
        }
        return kept
    }

    /// The training matrix `[users.count, itemCount]`: row `r` holds the mapped items of `users[r]`, sorted.
    /// Every kept item of a training user has a new index, so row `r` has `counts[users[r]]` entries.
    ///
    /// Built with two counting sorts instead of sorting every row: the entries are first grouped by item
    /// (a transposed matrix, rows ascending inside every item), then scattered back to their rows in item
    /// order, which leaves every row sorted. Linear time, no comparisons.
    func trainMatrix(users: ArraySlice<Int>, counts: [Int], itemMap: [Int32], itemCount: Int) -> CSRMatrix {
        let rows = Array(users)
        var rowOffsets = [Int](repeating: 0, count: rows.count + 1)
        for (row, user) in rows.enumerated() { rowOffsets[row + 1] = rowOffsets[row] + counts[user] }
        let total = rowOffsets[rows.count]
        var columns = [Int32](repeating: 0, count: total)
        var itemOffsets = [Int](repeating: 0, count: itemCount + 1)
        var rowsByItem = [Int32](repeating: 0, count: total)
        rows.withUnsafeBufferPointer { rows in
            entries.withUnsafeBufferPointer { entries in
                itemMap.withUnsafeBufferPointer { itemMap in
                    itemOffsets.withUnsafeMutableBufferPointer { itemOffsets in
                        // Entries per item, then a scatter of row numbers into item-major order.
                        forEachTrainEntry(rows, entries, itemMap) { _, item in itemOffsets[Int(item) + 1] += 1 }
                        for item in 0..<itemCount { itemOffsets[item + 1] += itemOffsets[item] }
                        var cursor = Array(itemOffsets[0..<itemCount])
                        cursor.withUnsafeMutableBufferPointer { cursor in
                            rowsByItem.withUnsafeMutableBufferPointer { rowsByItem in
                                forEachTrainEntry(rows, entries, itemMap) { row, item in
                                    rowsByItem[cursor[Int(item)]] = Int32(row)
                                    cursor[Int(item)] += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        // Items in ascending order, each appended to its rows: rows come out sorted.
        var rowCursor = Array(rowOffsets[0..<rows.count])
        rowCursor.withUnsafeMutableBufferPointer { rowCursor in
            columns.withUnsafeMutableBufferPointer { columns in
                rowsByItem.withUnsafeBufferPointer { rowsByItem in
                    for item in 0..<itemCount {
                        for slot in itemOffsets[item]..<itemOffsets[item + 1] {
                            let row = Int(rowsByItem[slot])
                            columns[rowCursor[row]] = Int32(item)
                            rowCursor[row] += 1
                        }
                    }
                }
            }
        }
        return CSRMatrix(unchecked: rows.count, columnCount: itemCount, rowOffsets: rowOffsets, columnIndices: columns)
    }

    /// Calls `body(row, newItem)` for every kept item of the training users `rows`, row by row.
    @inline(__always)
    private func forEachTrainEntry(
        _ rows: UnsafeBufferPointer<Int>, _ entries: UnsafeBufferPointer<Int32>, _ itemMap: UnsafeBufferPointer<Int32>,
        _ body: (Int, Int32) -> Void
    ) {
        for row in 0..<rows.count {
            let user = rows[row]
            let start = offsets[user]
            for slot in start..<(start + distinctCounts[user]) {
                let mapped = itemMap[Int(entries[slot])]
                if mapped >= 0 { body(row, mapped) }
            }
        }
    }

    /// The fold-in and held-out matrices of held-out `users` (see ``PaperSplit``); users left without
    /// any item are dropped, so `users` of the result may be shorter.
    func heldOutBlock(
        users: ArraySlice<Int>, itemMap: [Int32], itemCount: Int, fraction: Double, random: inout RandomSource
    ) -> HeldOutBlock {
        var kept = [Int]()
        var foldInOffsets = [0]
        var heldOutOffsets = [0]
        var foldIn = [Int32]()
        var heldOut = [Int32]()
        var items = [Int32]()
        var chosen = [Bool]()
        for user in users {
            items.removeAll(keepingCapacity: true)
            let start = offsets[user]
            for slot in start..<(start + distinctCounts[user]) {
                let mapped = itemMap[Int(entries[slot])]
                if mapped >= 0 { items.append(mapped) }
            }
            guard !items.isEmpty else { continue }
            items.sort()
            let count = items.count
            let heldOutCount =
                count >= SplitSettings.minimumItemsToHoldOut
                ? Int((fraction * Double(count)).rounded(.down)) : 0
            chosen.removeAll(keepingCapacity: true)
            chosen.append(contentsOf: repeatElement(false, count: count))
            if heldOutCount > 0 {
                for position in random.sample(count: heldOutCount, from: count) { chosen[position] = true }
            }
            for position in 0..<count {
                if chosen[position] { heldOut.append(items[position]) } else { foldIn.append(items[position]) }
            }
            kept.append(user)
            foldInOffsets.append(foldIn.count)
            heldOutOffsets.append(heldOut.count)
        }
        return HeldOutBlock(
            users: kept,
            foldIn: CSRMatrix(
                unchecked: kept.count, columnCount: itemCount, rowOffsets: foldInOffsets, columnIndices: foldIn),
            heldOut: CSRMatrix(
                unchecked: kept.count, columnCount: itemCount, rowOffsets: heldOutOffsets, columnIndices: heldOut))
    }
}

/// The users of a held-out block (original user indices, in row order) and their two matrices.
struct HeldOutBlock {
    let users: [Int]
    let foldIn: CSRMatrix
    let heldOut: CSRMatrix
}
