import VAECFCore

/// The split protocol of the paper and of the reference Mult-VAE / NVIDIA VAE-CF preprocessing:
///
/// 1. Duplicate (user, item) rows count once. Items with fewer than
///    ``SplitSettings/minimumItemInteractions`` users are dropped, then users with fewer than
///    ``SplitSettings/minimumUserInteractions`` remaining items.
/// 2. The remaining users (in order of first appearance) are shuffled with `RandomSource(seed:)`;
///    of the permutation `order` of `n` users, `order[0 ..< n - 2N]` are training users,
///    `order[n - 2N ..< n - N]` validation users and `order[n - N ..< n]` test users (`N` = held-out users).
/// 3. The items are those of the training users, numbered in order of first appearance in the input rows
///    of training users. Held-out users lose their other items; those left with none are dropped.
/// 4. Every held-out user with at least 5 items gets `floor(testFraction * count)` of them, chosen with the
///    same generator (validation users first, then test users, in row order), in the held-out (`_te`)
///    part; the rest, and all items of users with fewer, form the fold-in (`_tr`) part.
///
/// Rows of every matrix follow the shuffled order. The result does not depend on the thread count.
package enum PaperSplit {
    /// Splits `table` (rows already filtered by the rating threshold).
    /// - Parameters:
    ///   - source: the input file name, used in errors and stored in the settings.
    ///   - threadCount: workers for grouping and filtering the rows; the result does not depend on it.
    /// - Throws: ``DataError`` naming `source` when the table is inconsistent, the settings are invalid, or
    ///   fewer than `2 * heldOutUsers + 1` users remain after the filters.
    package static func split(
        _ table: InteractionTable, settings: SplitSettings = SplitSettings(), source: String,
        threadCount: Int = ParallelExecutor.defaultThreadCount
    ) throws(DataError) -> InteractionDataset {
        try settings.validate(source: source)
        try validate(table, source: source)
        let executor = ParallelExecutor(threadCount: max(1, threadCount))
        let grouped = UserRows(table, executor: executor)

        // Filters: items first, then users (on the distinct items that survive).
        let itemKept = grouped.itemsWithUsers(atLeast: settings.minimumItemInteractions, itemCount: table.itemIDs.count)
        let keptCounts = grouped.keptCounts(
            itemKept: itemKept, filtering: settings.minimumItemInteractions > 1, executor: executor)
        let minimum = max(1, settings.minimumUserInteractions)
        let survivors = (0..<table.userIDs.count).filter { keptCounts[$0] >= minimum }
        let heldOut = settings.heldOutUsers
        guard survivors.count >= 2 * heldOut + 1 else {
            throw DataError.tooFewUsers(
                file: source, users: survivors.count, minimumInteractions: minimum, heldOut: heldOut)
        }

        var random = RandomSource(seed: settings.seed)
        let order = random.permutation(count: survivors.count).map { survivors[$0] }
        let trainUsers = order[0..<(order.count - 2 * heldOut)]
        let validationUsers = order[(order.count - 2 * heldOut)..<(order.count - heldOut)]
        let testUsers = order[(order.count - heldOut)...]

        let (itemMap, itemOrder) = numberItems(table, trainUsers: trainUsers, itemKept: itemKept)
        let itemCount = itemOrder.count
        let train = grouped.trainMatrix(users: trainUsers, counts: keptCounts, itemMap: itemMap, itemCount: itemCount)
        let validation = grouped.heldOutBlock(
            users: validationUsers, itemMap: itemMap, itemCount: itemCount, fraction: settings.testFraction,
            random: &random)
        let test = grouped.heldOutBlock(
            users: testUsers, itemMap: itemMap, itemCount: itemCount, fraction: settings.testFraction, random: &random)
        try checkEvaluable(validation, name: "validation", source: source)
        try checkEvaluable(test, name: "test", source: source)

        var stored = settings.keyValues
        stored[SettingKey.protocolName] = "mult-vae-split"
        stored[SettingKey.source] = source
        stored[SettingKey.inputRows] = String(table.rowsRead)
        stored[SettingKey.positiveRows] = String(table.count)
        return InteractionDataset(
            itemIDs: itemOrder.map { table.itemIDs[Int($0)] },
            trainUserIDs: trainUsers.map { table.userIDs[$0] },
            validationUserIDs: validation.users.map { table.userIDs[$0] },
            testUserIDs: test.users.map { table.userIDs[$0] },
            train: train, validationFoldIn: validation.foldIn, validationHeldOut: validation.heldOut,
            testFoldIn: test.foldIn, testHeldOut: test.heldOut, settings: stored)
    }

    /// Throws when a held-out block has no user left or no held-out item to evaluate on: a model could be
    /// trained on the split but never validated or tested.
    static func checkEvaluable(_ block: HeldOutBlock, name: String, source: String) throws(DataError) {
        guard !block.users.isEmpty, block.heldOut.nonZeroCount > 0 else {
            let why =
                block.users.isEmpty
                ? "none of its users has an item that a training user has"
                : "none of its \(block.users.count) users has the \(SplitSettings.minimumItemsToHoldOut) items needed to hold some out"
            throw DataError.emptySplitPart(file: source, part: name, reason: why)
        }
    }

    /// Checks the shapes and index ranges of a table.
    static func validate(_ table: InteractionTable, source: String) throws(DataError) {
        guard table.users.count == table.items.count else {
            throw DataError.inconsistentTable(
                file: source, reason: "\(table.users.count) users for \(table.items.count) items")
        }
        guard table.userIDs.count < Int(Int32.max), table.itemIDs.count < Int(Int32.max) else {
            throw DataError.inconsistentTable(file: source, reason: "too many distinct users or items")
        }
        let userCount = Int32(table.userIDs.count)
        let itemCount = Int32(table.itemIDs.count)
        let usersValid = table.users.withUnsafeBufferPointer { buffer in
            buffer.allSatisfy { $0 >= 0 && $0 < userCount }
        }
        let itemsValid = table.items.withUnsafeBufferPointer { buffer in
            buffer.allSatisfy { $0 >= 0 && $0 < itemCount }
        }
        guard usersValid, itemsValid else {
            throw DataError.inconsistentTable(file: source, reason: "a user or item index is out of range")
        }
    }

    /// Numbers the kept items of training users in order of first appearance in the table's rows.
    /// Returns the map (original item -> new index, or -1) and the original item of every new index.
    static func numberItems(
        _ table: InteractionTable, trainUsers: ArraySlice<Int>, itemKept: [Bool]
    ) -> (map: [Int32], order: [Int32]) {
        var isTrain = [Bool](repeating: false, count: table.userIDs.count)
        for user in trainUsers { isTrain[user] = true }
        var map = [Int32](repeating: -1, count: table.itemIDs.count)
        var order = [Int32]()
        table.users.withUnsafeBufferPointer { users in
            table.items.withUnsafeBufferPointer { items in
                isTrain.withUnsafeBufferPointer { isTrain in
                    itemKept.withUnsafeBufferPointer { itemKept in
                        map.withUnsafeMutableBufferPointer { map in
                            for row in 0..<users.count where isTrain[Int(users[row])] {
                                let item = Int(items[row])
                                if map[item] < 0 && itemKept[item] {
                                    map[item] = Int32(order.count)
                                    order.append(Int32(item))
                                }
                            }
                        }
                    }
                }
            }
        }
        return (map, order)
    }
}
