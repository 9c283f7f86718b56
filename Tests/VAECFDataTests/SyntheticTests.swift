import Foundation
import Testing
import VAECFCore

@testable import VAECFData

/// A small data set (kilobytes) with the default structure.
private let smallSettings = SyntheticSettings(users: 400, items: 300, interactions: 12_000, topics: 6, seed: 7)

/// Items of every user of `table`, in table order; `[users][items of the user]`.
private func itemsByUser(_ table: InteractionTable) -> [[Int32]] {
    var rows = [[Int32]](repeating: [], count: table.userIDs.count)
    for row in 0..<table.count { rows[Int(table.users[row])].append(table.items[row]) }
    return rows
}

@Suite("Synthetic interactions")
struct SyntheticTests {
    @Test("the same seed gives the same table, for any thread count; another seed another table")
    func determinism() {
        let first = SyntheticInteractions.generate(smallSettings, threadCount: 2)
        let again = SyntheticInteractions.generate(smallSettings, threadCount: 1)
        #expect(first == again)
        var otherSeed = smallSettings
        otherSeed.seed = 8
        let other = SyntheticInteractions.generate(otherSeed, threadCount: 2)
        #expect(first.items != other.items)
    }

    @Test("sizes come close to the settings")
    func sizes() {
        let table = SyntheticInteractions.generate(smallSettings)
        #expect(table.userIDs.count == smallSettings.users)
        #expect(table.itemIDs.count <= smallSettings.items)
        #expect(table.itemIDs.count > smallSettings.items * 9 / 10)
        #expect(abs(table.count - smallSettings.interactions) < smallSettings.interactions / 50)
        #expect(table.rowsRead == table.count)
        #expect(table.userIDs.first == "u1" && table.userIDs.last == "u400")
        #expect(Set(table.itemIDs).count == table.itemIDs.count)
    }

    @Test("targets out of reach give every user the per-user minimum or maximum")
    func minimumWins() {
        let settings = SyntheticSettings(users: 50, items: 40, interactions: 10, topics: 4, seed: 1)
        let table = SyntheticInteractions.generate(settings)
        #expect(table.count == 50 * settings.minimumInteractionsPerUser)
        // And a target above the per-user maximum gives every user the maximum.
        let crowded = SyntheticSettings(users: 20, items: 20, interactions: 300_000, topics: 2, seed: 1)
        #expect(SyntheticInteractions.generate(crowded).count == 20 * crowded.maximumInteractionsPerUser)
    }

    @Test("no user has an item twice and every user has at least five items")
    func distinctItemsAndMinimum() {
        let table = SyntheticInteractions.generate(smallSettings)
        for items in itemsByUser(table) {
            #expect(items.count >= 5)
            #expect(items.count <= smallSettings.maximumInteractionsPerUser)
            #expect(Set(items).count == items.count)
        }
        // Very active users that exhaust their topics still get distinct items.
        let crowded = SyntheticSettings(
            users: 30, items: 20, interactions: 300, topics: 2, seed: 3, maximumUserShare: 1)
        for items in itemsByUser(SyntheticInteractions.generate(crowded)) {
            #expect(Set(items).count == items.count)
            #expect(items.count <= 20)
        }
    }

    @Test("popularity is skewed: the top tenth of the items has a large share")
    func popularitySkew() {
        let table = SyntheticInteractions.generate(smallSettings)
        var counts = [Int](repeating: 0, count: table.itemIDs.count)
        for item in table.items { counts[Int(item)] += 1 }
        counts.sort(by: >)
        let top = counts[0..<(counts.count / 10)].reduce(0, +)
        #expect(Double(top) / Double(table.count) > 0.25)
        // Without a popularity law the same share is near a tenth.
        var flat = smallSettings
        flat.popularityExponent = 0
        flat.topicalProbability = 0
        let flatTable = SyntheticInteractions.generate(flat)
        var flatCounts = [Int](repeating: 0, count: flatTable.itemIDs.count)
        for item in flatTable.items { flatCounts[Int(item)] += 1 }
        flatCounts.sort(by: >)
        let flatTop = flatCounts[0..<(flatCounts.count / 10)].reduce(0, +)
        #expect(Double(flatTop) / Double(flatTable.count) < 0.15)
    }

    /// Recall@20 on a random fifth of the items of the last 100 users: item-item cosine scores against
    /// popularity, both learned from the other users.
    private func recallAt20(_ table: InteractionTable) -> (cosine: Double, popularity: Double) {
        let rows = itemsByUser(table)
        let itemCount = table.itemIDs.count
        let heldOutUsers = (rows.count - 100)..<rows.count
        var cooccurrence = [Double](repeating: 0, count: itemCount * itemCount)
        var popularity = [Double](repeating: 0, count: itemCount)
        for user in 0..<heldOutUsers.lowerBound {
            for first in rows[user] {
                popularity[Int(first)] += 1
                for second in rows[user] where second != first {
                    cooccurrence[Int(first) * itemCount + Int(second)] += 1
                }
            }
        }
        var random = RandomSource(seed: 99)
        var hits = (cosine: 0, popularity: 0)
        var possible = 0
        for user in heldOutUsers {
            var items = rows[user]
            random.shuffle(&items)
            let seenCount = items.count * 4 / 5
            let seen = Set(items[0..<seenCount])
            let heldOut = Set(items[seenCount...])
            var scores = [Double](repeating: 0, count: itemCount)
            for item in seen where popularity[Int(item)] > 0 {
                for other in 0..<itemCount where popularity[other] > 0 {
                    let norm = (popularity[Int(item)] * popularity[other]).squareRoot()
                    scores[other] += cooccurrence[Int(item) * itemCount + other] / norm
                }
            }
            func top20(_ score: [Double]) -> [Int32] {
                let candidates = (0..<itemCount).filter { !seen.contains(Int32($0)) }
                let ranked = candidates.sorted { score[$0] != score[$1] ? score[$0] > score[$1] : $0 < $1 }
                return ranked.prefix(20).map { Int32($0) }
            }
            hits.cosine += top20(scores).filter { heldOut.contains($0) }.count
            hits.popularity += top20(popularity).filter { heldOut.contains($0) }.count
            possible += min(20, heldOut.count)
        }
        return (Double(hits.cosine) / Double(possible), Double(hits.popularity) / Double(possible))
    }

    @Test("latent topics: item-item cosine beats popularity clearly, and only because of the topics")
    func latentStructure() {
        let settings = SyntheticSettings(users: 600, items: 400, interactions: 15_000, topics: 16, seed: 11)
        let structured = recallAt20(SyntheticInteractions.generate(settings))
        #expect(structured.cosine > 1.5 * structured.popularity)
        var unstructured = settings
        unstructured.topicalProbability = 0
        let plain = recallAt20(SyntheticInteractions.generate(unstructured))
        #expect(plain.cosine < 1.05 * plain.popularity)
    }

    @Test("the default settings are the README demo's size and valid")
    func defaults() throws {
        let settings = SyntheticSettings.default
        try settings.validate()
        #expect(settings.users == 6_000 && settings.items == 2_000 && settings.interactions == 300_000)
        #expect(settings.topics == 40)
    }

    @Test("invalid settings name the setting")
    func invalidSettings() {
        var settings = smallSettings
        settings.topics = 1_000
        #expect(
            throws: SyntheticSettingsError.outOfRange(
                setting: "topics", expected: "between 1 and the number of items (300)")
        ) {
            try settings.validate()
        }
        settings = smallSettings
        settings.items = 6
        #expect(
            throws: SyntheticSettingsError.outOfRange(
                setting: "items", expected: "at least 10 (twice the per-user minimum) and at most \(Int32.max)")
        ) {
            try settings.validate()
        }
        settings = smallSettings
        settings.topicalProbability = 1.5
        #expect(throws: SyntheticSettingsError.outOfRange(setting: "topicalProbability", expected: "in [0, 1]")) {
            try settings.validate()
        }
    }

    /// The (user id, item id) of every row, in order.
    private func idPairs(_ table: InteractionTable) -> [String] {
        (0..<table.count).map { "\(table.userIDs[Int(table.users[$0])]) \(table.itemIDs[Int(table.items[$0])])" }
    }

    @Test("the CSV file reads back, through the csv reader, as the same interactions")
    func csvRoundTrip() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vaecf-synth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("synthetic.csv")
        let table = SyntheticInteractions.generate(smallSettings)
        try SyntheticInteractions.writeCSV(table, to: url)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.hasPrefix("userId,itemId\nu1,i"))
        #expect(text.split(separator: "\n").count == table.count + 1)
        var options = ReaderOptions()
        options.format = .csv
        #expect(try InteractionReader.read(url, options: options) == table)

        // Ids with delimiters are quoted and survive too.
        let awkward = InteractionTable(
            userIDs: ["plain", "with,comma", "with \"quotes\""], itemIDs: ["x", "y,z"],
            users: [0, 1, 2, 2], items: [1, 0, 0, 1], rowsRead: 4)
        try SyntheticInteractions.writeCSV(awkward, to: url)
        #expect(
            try String(contentsOf: url, encoding: .utf8)
                == "userId,itemId\nplain,\"y,z\"\n\"with,comma\",x\n\"with \"\"quotes\"\"\",x\n\"with \"\"quotes\"\"\",\"y,z\"\n"
        )
        #expect(idPairs(try InteractionReader.read(url, options: options)) == idPairs(awkward))
    }

    @Test("writing into a missing folder fails with the path and leaves nothing")
    func csvWriteError() {
        let url = URL(fileURLWithPath: "/nonexistent-vaecf-folder/synthetic.csv")
        #expect(throws: AtomicFileError.self) {
            try SyntheticInteractions.writeCSV(SyntheticInteractions.generate(smallSettings), to: url)
        }
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }

    @Test("the alias table draws in proportion to the weights")
    func aliasTable() {
        let table = AliasTable(weights: [1, 2, 3, 4, 0])
        var random = RandomSource(seed: 5)
        var counts = [Int](repeating: 0, count: 5)
        let draws = 100_000
        for _ in 0..<draws { counts[table.sample(using: &random)] += 1 }
        for (index, expected) in [0.1, 0.2, 0.3, 0.4, 0].enumerated() {
            #expect(abs(Double(counts[index]) / Double(draws) - expected) < 0.01)
        }
        #expect(counts[4] == 0)
    }
}
