import Foundation
import Testing
import VAECF

@Suite("Interactions from a sparse matrix; batched queries")
struct InteractionsSparseMatrixTests {
    /// The CSR parts of `interactions` (rows in user order, columns in item order, one entry per row).
    static func parts(_ interactions: Interactions) -> (offsets: [Int], indices: [Int], weights: [Float]) {
        let itemIndex = Dictionary(uniqueKeysWithValues: interactions.itemIDs.enumerated().map { ($1, $0) })
        var rows = [String: [(Int, Float)]]()
        for row in 0..<interactions.count {
            let (user, item, weight) = interactions[row]
            rows[user, default: []].append((itemIndex[item]!, weight))
        }
        var offsets = [0]
        var indices = [Int]()
        var weights = [Float]()
        for user in interactions.userIDs {
            for (index, weight) in rows[user] ?? [] {
                indices.append(index)
                weights.append(weight)
            }
            offsets.append(indices.count)
        }
        return (offsets, indices, weights)
    }

    @Test("a CSR matrix with id maps gives the rows of the same table, and the same fit")
    func matrixEqualsTable() async throws {
        var table = Interactions()
        for (user, item, weight) in [("a", "x", 1), ("a", "y", 0.5), ("b", "y", 1), ("c", "z", 2), ("c", "x", 1)] {
            table.append(user: user, item: item, weight: Float(weight))
        }
        let (offsets, indices, weights) = Self.parts(table)
        #expect(offsets == [0, 2, 3, 5] && indices == [0, 1, 1, 2, 0])
        let matrix = try Interactions(
            userIDs: table.userIDs, itemIDs: table.itemIDs, rowOffsets: offsets, itemIndices: indices,
            weights: weights)
        #expect(matrix == table)
        let unweighted = try Interactions(
            userIDs: ["u", "v", "w"], itemIDs: ["i", "j"], rowOffsets: [0, 1, 1, 3], itemIndices: [1, 0, 1])
        #expect(unweighted.userIDs == ["u", "v", "w"] && unweighted.itemIDs == ["i", "j"])
        #expect((0..<unweighted.count).map { unweighted[$0].item } == ["j", "i", "j"])
        #expect((0..<unweighted.count).allSatisfy { unweighted[$0].weight == 1 })

        let interactions = CollaborativeFilterTests.interactions(users: 150).fit
        let csr = Self.parts(interactions)
        let rebuilt = try Interactions(
            userIDs: interactions.userIDs, itemIDs: interactions.itemIDs, rowOffsets: csr.offsets,
            itemIndices: csr.indices, weights: csr.weights)
        let options = CollaborativeFilterTests.options(epochs: 2, validationUsers: 0)
        let fromTable = try await CollaborativeFilter.fit(interactions, options: options)
        let fromMatrix = try await CollaborativeFilter.fit(rebuilt, options: options)
        let user = interactions.userIDs[7]
        #expect(try fromTable.recommend(user: user) == fromMatrix.recommend(user: user))
    }

    @Test("inconsistent matrices are refused, each case")
    func refused() {
        func make(
            users: [String] = ["u", "v"], items: [String] = ["i", "j"], offsets: [Int] = [0, 1, 2],
            indices: [Int] = [0, 1], weights: [Float]? = nil
        ) throws(InteractionsError) {
            _ = try Interactions(
                userIDs: users, itemIDs: items, rowOffsets: offsets, itemIndices: indices, weights: weights)
        }
        #expect(throws: InteractionsError.lengthMismatch(name: "rowOffsets", expected: 3, found: 2)) {
            try make(offsets: [0, 2])
        }
        #expect(throws: InteractionsError.offsetsOutOfRange(first: 1, last: 2, entries: 2)) {
            try make(offsets: [1, 1, 2])
        }
        #expect(throws: InteractionsError.offsetsOutOfRange(first: 0, last: 3, entries: 2)) {
            try make(offsets: [0, 1, 3])
        }
        #expect(throws: InteractionsError.decreasingOffsets(row: 1)) { try make(offsets: [0, 3, 2], indices: [0, 1]) }
        #expect(throws: InteractionsError.itemIndexOutOfRange(entry: 1, index: 2, items: 2)) {
            try make(indices: [0, 2])
        }
        #expect(throws: InteractionsError.itemIndexOutOfRange(entry: 0, index: -1, items: 2)) {
            try make(indices: [-1, 0])
        }
        #expect(throws: InteractionsError.lengthMismatch(name: "weights", expected: 2, found: 1)) {
            try make(weights: [1])
        }
        #expect(throws: InteractionsError.duplicateID(kind: "user", id: "u")) { try make(users: ["u", "u"]) }
        #expect(throws: InteractionsError.duplicateID(kind: "item", id: "j")) { try make(items: ["j", "j"]) }
        #expect(
            InteractionsError.decreasingOffsets(row: 4).localizedDescription == "rowOffsets decrease after row 4")
    }

    /// The same items with the same scores up to float rounding (items whose scores tie to rounding may swap).
    static func agree(_ first: [ScoredItem], _ second: [ScoredItem]) -> Bool {
        first.count == second.count
            && zip(first, second).allSatisfy { abs($0.score - $1.score) <= 1e-4 * max(abs($0.score), 1e-12) }
    }

    @Test("batched queries answer as one query at a time")
    func batches() async throws {
        let interactions = CollaborativeFilterTests.interactions(users: 150).fit
        let model = try await CollaborativeFilter.fit(
            interactions, options: CollaborativeFilterTests.options(epochs: 2, validationUsers: 0))
        let users = Array(interactions.userIDs.prefix(5))
        let allow = Array(model.itemIDs.prefix(60))
        let batch = try model.recommend(users: users, count: 7, allow: allow, exclude: [model.itemIDs[0]])
        #expect(batch.count == 5)
        // The dense layers before the output may round differently for 1 and 5 rows: scores agree to rounding.
        for (user, answer) in zip(users, batch) {
            let single = try model.recommend(user: user, count: 7, allow: allow, exclude: [model.itemIDs[0]])
            let seen = Set(interactions.itemsOf(user: user))
            #expect(answer.count == 7 && answer.allSatisfy { allow.contains($0.id) && !seen.contains($0.id) })
            #expect(!answer.contains { $0.id == model.itemIDs[0] })
            #expect(Self.agree(answer, single))
        }
        let lists = [["item1", model.itemIDs[2]], [], [model.itemIDs[5]]]
        let answers = model.recommend(itemLists: lists, count: 4)
        #expect(answers.count == 3)
        for (list, answer) in zip(lists, answers) {
            #expect(Self.agree(answer, model.recommend(items: list, count: 4)))
        }
        #expect(throws: RecommenderError.unknownUser("nobody")) { try model.recommend(users: [users[0], "nobody"]) }
    }
}
