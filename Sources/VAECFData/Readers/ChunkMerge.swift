import VAECFCore

extension InteractionReader {
    /// Joins the per-chunk results into one table. Chunk-local ids are added to the global maps chunk by
    /// chunk, in chunk order, so global indices follow the order of first appearance in the file; then
    /// every chunk's rows are translated to global indices in parallel.
    static func merge(_ collectors: [RowCollector], executor: ParallelExecutor) -> InteractionTable {
        var globalUsers = IdentifierMap()
        var globalItems = IdentifierMap()
        let userTranslations = collectors.map { collector in collector.users.keys.map { globalUsers.index(of: $0) } }
        let itemTranslations = collectors.map { collector in collector.items.keys.map { globalItems.index(of: $0) } }
        var offsets = [0]
        for collector in collectors { offsets.append(offsets[offsets.count - 1] + collector.userRows.count) }
        let total = offsets[collectors.count]
        var users = [Int32](repeating: 0, count: total)
        var items = [Int32](repeating: 0, count: total)
        users.withUnsafeMutableBufferPointer { userSlots in
            items.withUnsafeMutableBufferPointer { itemSlots in
                executor.forEach(count: collectors.count) { chunk in
                    translate(
                        collectors[chunk].userRows, with: userTranslations[chunk], into: userSlots, at: offsets[chunk])
                    translate(
                        collectors[chunk].itemRows, with: itemTranslations[chunk], into: itemSlots, at: offsets[chunk])
                }
            }
        }
        return InteractionTable(
            userIDs: globalUsers.keys.map(\.string), itemIDs: globalItems.keys.map(\.string),
            users: users, items: items, rowsRead: collectors.reduce(0) { $0 + $1.rowsRead })
    }

    /// `output[offset + k] = translation[rows[k]]` for every row `k`.
    private static func translate(
        _ rows: [Int32], with translation: [Int32], into output: UnsafeMutableBufferPointer<Int32>, at offset: Int
    ) {
        rows.withUnsafeBufferPointer { rows in
            translation.withUnsafeBufferPointer { translation in
                for index in 0..<rows.count { output[offset + index] = translation[Int(rows[index])] }
            }
        }
    }
}
