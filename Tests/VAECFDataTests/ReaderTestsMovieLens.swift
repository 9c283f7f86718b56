import Foundation
import Testing

@testable import VAECFData

@Suite("Interaction readers: the real MovieLens 100K file")
struct ReaderTestsMovieLens {
    /// `../shared/data/ml-100k/u.data` next to the package root (three levels above this file).
    static let uData = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data/ml-100k/u.data")

    static var available: Bool { FileManager.default.fileExists(atPath: uData.path) }

    @Test(
        "u.data: 100,000 rows, 943 users, 1,682 items; 55,375 rows rated >= 4",
        .enabled(if: available, "MovieLens 100K is not at ../shared/data/ml-100k/u.data"))
    func uData() throws {
        #expect(try InteractionReader.detectFormat(Self.uData) == .movielens100k)
        var options = ReaderOptions()
        options.ratingThreshold = 0
        let all = try InteractionReader.read(Self.uData, options: options)
        #expect(all.rowsRead == 100_000)
        #expect(all.count == 100_000)
        #expect(all.userIDs.count == 943)
        #expect(all.itemIDs.count == 1682)
        #expect(all.userIDs.prefix(3) == ["196", "186", "22"])
        options.ratingThreshold = 4
        var positives: InteractionTable? = nil
        for threads in [1, 2, 3] {
            options.threadCount = threads
            let table = try InteractionReader.read(Self.uData, options: options)
            #expect(table.rowsRead == 100_000)
            #expect(table.count == 55_375)
            if let positives { #expect(table == positives) }
            positives = table
        }
        options.ratingThreshold = 3.5
        #expect(try InteractionReader.read(Self.uData, options: options) == positives)
    }
}
