import Foundation
import Testing
import VAECFCore
import VAECFData

/// Small inputs and shared paths for the split, dataset file and pro_sg tests.
enum SplitTestData {
    /// `/work/shared` relative to the package root, or nil when absent.
    static let sharedFolder: URL? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let shared = root.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: shared.path) ? shared : nil
    }()

    static func shared(_ path: String) -> URL? {
        guard let url = sharedFolder?.appendingPathComponent(path), FileManager.default.fileExists(atPath: url.path)
        else {
            return nil
        }
        return url
    }

    /// A table of `users` users over `items` items: user `u` rates between 1 and 24 items drawn with a skew
    /// to low item numbers, and every 7th row is repeated (duplicates).
    static func table(users: Int = 300, items: Int = 50, seed: UInt64 = 3) -> InteractionTable {
        var random = RandomSource(seed: seed)
        var userColumn = [Int32]()
        var itemColumn = [Int32]()
        var rows = 0
        for user in 0..<users {
            let count = 1 + random.nextInt(below: 24)
            for _ in 0..<count {
                let item = min(random.nextInt(below: items), random.nextInt(below: items))
                userColumn.append(Int32(user))
                itemColumn.append(Int32(item))
                rows += 1
                if rows % 7 == 0 {
                    userColumn.append(Int32(user))
                    itemColumn.append(Int32(item))
                }
            }
        }
        // Ids in first-appearance order, as the readers produce them.
        var itemOrder = [Int32](repeating: -1, count: items)
        var itemIDs = [String]()
        for index in itemColumn.indices {
            let item = Int(itemColumn[index])
            if itemOrder[item] < 0 {
                itemOrder[item] = Int32(itemIDs.count)
                itemIDs.append("movie\(item)")
            }
            itemColumn[index] = itemOrder[item]
        }
        return InteractionTable(
            userIDs: (0..<users).map { "user\($0)" }, itemIDs: itemIDs, users: userColumn, items: itemColumn,
            rowsRead: userColumn.count + 11)
    }

    /// The distinct original item ids of every user of `table`.
    static func itemSets(_ table: InteractionTable) -> [String: Set<String>] {
        var sets = [String: Set<String>]()
        for row in 0..<table.count {
            sets[table.userIDs[Int(table.users[row])], default: []].insert(table.itemIDs[Int(table.items[row])])
        }
        return sets
    }

    static func ids(_ matrix: CSRMatrix, row: Int, _ itemIDs: [String]) -> Set<String> {
        Set(matrix.row(row).map { itemIDs[Int($0)] })
    }

    static let smallSettings = SplitSettings(heldOutUsers: 30, seed: 11)
}

@Suite("Paper split protocol")
struct SplitTests {
    let table = SplitTestData.table()
    let dataset: InteractionDataset

    init() throws {
        dataset = try PaperSplit.split(
            table, settings: SplitTestData.smallSettings, source: "ratings.csv", threadCount: 2)
    }

    @Test func usersAreFilteredShuffledAndPartitioned() {
        let sets = SplitTestData.itemSets(table)
        let eligible = Set(sets.filter { $0.value.count >= 5 }.keys)
        #expect(dataset.validationUserIDs.count == 30)
        #expect(dataset.testUserIDs.count == 30)
        #expect(dataset.trainUserIDs.count == eligible.count - 60)
        let train = Set(dataset.trainUserIDs)
        let validation = Set(dataset.validationUserIDs)
        let test = Set(dataset.testUserIDs)
        #expect(train.isDisjoint(with: validation) && train.isDisjoint(with: test) && validation.isDisjoint(with: test))
        #expect(train.union(validation).union(test) == eligible)
        // Shuffled: the training users are not in input order.
        #expect(dataset.trainUserIDs != dataset.trainUserIDs.sorted { Int($0.dropFirst(4))! < Int($1.dropFirst(4))! })
    }

    @Test func trainingRowsHoldEveryDistinctItemAndEveryItemIsTrained() {
        let sets = SplitTestData.itemSets(table)
        for (row, user) in dataset.trainUserIDs.enumerated() {
            #expect(SplitTestData.ids(dataset.train, row: row, dataset.itemIDs) == sets[user]!)
        }
        #expect(dataset.train.columnCounts().allSatisfy { $0 > 0 })
        #expect(dataset.itemIDs.count == Set(dataset.itemIDs).count)
    }

    @Test func itemsAreNumberedInFirstAppearanceOrderOfTrainingRows() {
        let trainUsers = Set(dataset.trainUserIDs)
        var expected = [String]()
        var seen = Set<String>()
        for row in 0..<table.count where trainUsers.contains(table.userIDs[Int(table.users[row])]) {
            let item = table.itemIDs[Int(table.items[row])]
            if seen.insert(item).inserted { expected.append(item) }
        }
        #expect(dataset.itemIDs == expected)
    }

    @Test func heldOutUsersSplitTwentyPercentOfTheirTrainedItems() {
        let sets = SplitTestData.itemSets(table)
        let trainedItems = Set(dataset.itemIDs)
        var heldOutTotal = 0
        for (users, foldIn, heldOut) in [
            (dataset.validationUserIDs, dataset.validationFoldIn, dataset.validationHeldOut),
            (dataset.testUserIDs, dataset.testFoldIn, dataset.testHeldOut),
        ] {
            #expect(foldIn.rowCount == users.count && heldOut.rowCount == users.count)
            for (row, user) in users.enumerated() {
                let foldInItems = SplitTestData.ids(foldIn, row: row, dataset.itemIDs)
                let heldOutItems = SplitTestData.ids(heldOut, row: row, dataset.itemIDs)
                #expect(foldInItems.isDisjoint(with: heldOutItems))
                #expect(foldInItems.union(heldOutItems) == sets[user]!.intersection(trainedItems))
                let count = foldInItems.count + heldOutItems.count
                #expect(heldOutItems.count == (count >= 5 ? count / 5 : 0), "user \(user) with \(count) items")
                heldOutTotal += heldOutItems.count
            }
        }
        #expect(heldOutTotal > 0)
    }

    @Test func theSameSeedGivesTheSameSplitAndAnotherSeedAnother() throws {
        let again = try PaperSplit.split(
            table, settings: SplitTestData.smallSettings, source: "ratings.csv", threadCount: 1)
        #expect(again == dataset)
        var settings = SplitTestData.smallSettings
        settings.seed = 12
        let other = try PaperSplit.split(table, settings: settings, source: "ratings.csv")
        #expect(other.trainUserIDs != dataset.trainUserIDs)
        #expect(Set(other.testUserIDs) != Set(dataset.testUserIDs))
    }

    @Test func settingsAreRecorded() {
        #expect(dataset.settings[SettingKey.seed] == "11")
        #expect(dataset.settings[SettingKey.heldOutUsers] == "30")
        #expect(dataset.settings[SettingKey.source] == "ratings.csv")
        #expect(dataset.settings[SettingKey.positiveRows] == String(table.count))
        #expect(dataset.settings[SettingKey.inputRows] == String(table.rowsRead))
    }

    @Test func duplicatesCountOnce() throws {
        // "a" has 3 distinct items, each 3 times: dropped by the 5-item minimum; "b".."e" have 5 each.
        var users = [Int32]()
        var items = [Int32]()
        for _ in 0..<3 { for item in 0..<3 { users.append(0); items.append(Int32(item)) } }
        for user in 1...4 { for item in 0..<5 { users.append(Int32(user)); items.append(Int32(item)) } }
        let table = InteractionTable(
            userIDs: ["a", "b", "c", "d", "e"], itemIDs: ["i0", "i1", "i2", "i3", "i4"], users: users, items: items,
            rowsRead: users.count)
        let result = try PaperSplit.split(table, settings: SplitSettings(heldOutUsers: 1), source: "dup.csv")
        let all = Set(result.trainUserIDs + result.validationUserIDs + result.testUserIDs)
        #expect(all == ["b", "c", "d", "e"])
        #expect(result.train.nonZeroCount == 2 * 5)
        #expect(result.validationFoldIn.nonZeroCount + result.validationHeldOut.nonZeroCount == 5)
        #expect(result.validationHeldOut.nonZeroCount == 1)
    }

    @Test func itemFilterRunsBeforeTheUserFilter() throws {
        var settings = SplitTestData.smallSettings
        settings.minimumItemInteractions = 40
        let result = try PaperSplit.split(table, settings: settings, source: "ratings.csv")
        let sets = SplitTestData.itemSets(table)
        var popularity = [String: Int]()
        for items in sets.values { for item in items { popularity[item, default: 0] += 1 } }
        let popular = Set(popularity.filter { $0.value >= 40 }.keys)
        #expect(!popular.isEmpty && popular.count < table.itemIDs.count)
        #expect(Set(result.itemIDs).isSubset(of: popular))
        let eligible = sets.filter { $0.value.intersection(popular).count >= 5 }
        #expect(result.trainUserIDs.count + 60 == eligible.count)
        for (row, user) in result.trainUserIDs.enumerated() {
            #expect(SplitTestData.ids(result.train, row: row, result.itemIDs) == sets[user]!.intersection(popular))
        }
    }

    @Test func userMinimumIsAdjustable() throws {
        var settings = SplitTestData.smallSettings
        settings.minimumUserInteractions = 12
        let result = try PaperSplit.split(table, settings: settings, source: "ratings.csv")
        let eligible = SplitTestData.itemSets(table).filter { $0.value.count >= 12 }
        #expect(result.trainUserIDs.count + 60 == eligible.count)
        #expect((0..<result.train.rowCount).allSatisfy { result.train.count(ofRow: $0) >= 12 })
    }

    @Test func refusesWhenTooFewUsersRemain() {
        let eligible = SplitTestData.itemSets(table).filter { $0.value.count >= 5 }.count
        var settings = SplitTestData.smallSettings
        settings.heldOutUsers = (eligible + 1) / 2  // needs 2N + 1 > eligible users
        #expect(
            throws: DataError.tooFewUsers(
                file: "ratings.csv", users: eligible, minimumInteractions: 5, heldOut: settings.heldOutUsers)
        ) {
            try PaperSplit.split(table, settings: settings, source: "ratings.csv")
        }
        settings.heldOutUsers = (eligible - 1) / 2
        #expect(throws: Never.self) { try PaperSplit.split(table, settings: settings, source: "ratings.csv") }
    }

    @Test func rejectsInconsistentTablesAndSettings() {
        let broken = InteractionTable(userIDs: ["a"], itemIDs: ["x"], users: [0, 1], items: [0, 0], rowsRead: 2)
        #expect(throws: DataError.inconsistentTable(file: "t.csv", reason: "a user or item index is out of range")) {
            try PaperSplit.split(broken, source: "t.csv")
        }
        var settings = SplitSettings()
        settings.testFraction = 1.5
        #expect(
            throws: DataError.invalidSplitSetting(
                file: "t.csv", setting: "held-out fraction", expected: "in (0, 1)", found: "1.5")
        ) {
            try PaperSplit.split(table, settings: settings, source: "t.csv")
        }
    }

    @Test func summaryListsEverySplit() {
        let lines = dataset.summaryLines()
        #expect(lines.count == 7)
        #expect(
            lines[1].hasPrefix("train") && lines[1].contains(InteractionDataset.grouped(dataset.train.nonZeroCount)))
        #expect(lines[5].hasPrefix("test held-out"))
        #expect(InteractionDataset.grouped(1_234_567) == "1,234,567")
        #expect(InteractionDataset.grouped(12) == "12")
    }

    @Test(.enabled(if: SplitTestData.shared("data/ml-100k/u.data") != nil, "../shared/data/ml-100k/u.data is absent"))
    func movieLens100KMatchesTheReferenceCounts() throws {
        var options = ReaderOptions()
        options.format = .movielens100k
        options.ratingThreshold = 3.5
        let url = SplitTestData.shared("data/ml-100k/u.data")!
        let table = try InteractionReader.read(url, options: options, progress: nil)
        let result = try PaperSplit.split(table, settings: SplitSettings(heldOutUsers: 100), source: "u.data")
        #expect(result.trainUserIDs.count == 738)
        #expect(result.validationUserIDs.count == 100)
        #expect(result.testUserIDs.count == 100)
        #expect(result.train.columnCounts().allSatisfy { $0 > 0 })
    }
}
