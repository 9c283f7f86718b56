import VAECFCore
import VAECFData

/// The dataset a fit trains on: every user a training user except `validationUsers` drawn at random (the
/// seed's own stream); items are those of the training users, in order of first appearance; each validation
/// user with at least 5 known items gets `floor(0.2 n)` of them, drawn at random, to rank, the rest as input.
/// No test users: the caller evaluates on users of their own (``CollaborativeFilter/evaluate(_:heldOutFraction:seed:)``).
enum InteractionSplit {
    static func dataset(
        _ interactions: Interactions, minimumWeight: Float, validationUsers: Int, seed: UInt64
    ) throws(CollaborativeFilterError) -> InteractionDataset {
        let lists = interactions.itemsByUser(minimumWeight: minimumWeight)
        let users = lists.indices.filter { !lists[$0].isEmpty }
        guard !users.isEmpty else { throw .noInteractions }
        guard validationUsers >= 0 else { throw .negativeValidationUsers(validationUsers) }
        guard users.count > validationUsers else {
            throw .tooFewUsers(users: users.count, validationUsers: validationUsers)
        }
        var random = RandomSource(seed: seed, stream: 0x5_9117)
        let order = validationUsers == 0 ? users : random.permutation(count: users.count).map { users[$0] }
        let trainUsers = Array(order[0..<(order.count - validationUsers)])
        let heldOutUsers = Array(order[(order.count - validationUsers)...])
        var itemNumber = [Int32: Int32]()
        var itemIDs = [String]()
        for user in trainUsers {
            for item in lists[user] where itemNumber[item] == nil {
                itemNumber[item] = Int32(itemIDs.count)
                itemIDs.append(interactions.itemIDs[Int(item)])
            }
        }
        let train = CSRMatrix(columnCount: itemIDs.count, rows: trainUsers.map { lists[$0].map { itemNumber[$0]! } })
        let rows = heldOutUsers.map { lists[$0].compactMap { itemNumber[$0] } }
        let kept = heldOutUsers.indices.filter { !rows[$0].isEmpty }
        let (foldIn, heldOut) = split(kept.map { rows[$0] }, fraction: 0.2, random: &random)
        return InteractionDataset(
            itemIDs: itemIDs, trainUserIDs: trainUsers.map { interactions.userIDs[$0] },
            validationUserIDs: kept.map { interactions.userIDs[heldOutUsers[$0]] }, testUserIDs: [],
            train: train, validationFoldIn: CSRMatrix(columnCount: itemIDs.count, rows: foldIn),
            validationHeldOut: CSRMatrix(columnCount: itemIDs.count, rows: heldOut),
            testFoldIn: .empty(columnCount: itemIDs.count), testHeldOut: .empty(columnCount: itemIDs.count),
            settings: ["protocol": "collaborative-filter-fit", "validation-users": String(validationUsers)])
    }

    /// Each row with at least 5 items gives `floor(fraction * n)` random ones to the held-out part.
    static func split(
        _ rows: [[Int32]], fraction: Double, random: inout RandomSource
    ) -> (foldIn: [[Int32]], heldOut: [[Int32]]) {
        var foldIn = [[Int32]]()
        var heldOut = [[Int32]]()
        for row in rows {
            guard row.count >= SplitSettings.minimumItemsToHoldOut else {
                foldIn.append(row)
                heldOut.append([])
                continue
            }
            let chosen = Set(random.permutation(count: row.count).prefix(Int(fraction * Double(row.count))))
            foldIn.append(row.indices.filter { !chosen.contains($0) }.map { row[$0] })
            heldOut.append(chosen.sorted().map { row[$0] })
        }
        return (foldIn, heldOut)
    }
}
