import Foundation
import Testing
import VAECFCore

@testable import VAECFData

@Suite("Interaction readers: results do not depend on the thread count")
struct ReaderTestsThreads {
    /// A ratings.csv of `rows` rows grouped by user, with numeric and (when `words`) text ids.
    static func ratingsText(rows: Int, seed: UInt64, words: Bool = false, quotes: Bool = false) -> String {
        var random = RandomSource(seed: seed)
        var lines = ["userId,movieId,rating,timestamp"]
        var user = 1
        for _ in 0..<rows {
            if random.nextInt(below: 6) == 0 { user += 1 + random.nextInt(below: 3) }
            let item = random.nextInt(below: 300)
            let rating = Double(1 + random.nextInt(below: 10)) / 2
            let itemText = words && item % 7 == 0 ? "m\(item)" : String(item * 13)
            let userText = quotes && user % 5 == 0 ? "\"\(user)\"" : String(user)
            lines.append("\(userText),\(itemText),\(rating),\(random.nextInt(below: 1_000_000))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("1, 2, 3 and 7 threads give the same table", arguments: [false, true])
    func sameTable(quotes: Bool) throws {
        let text = Self.ratingsText(rows: 3000, seed: 11, words: true, quotes: quotes)
        let reference = try ReaderFixture.read(text, threads: 1)
        #expect(reference.rowsRead == 3000)
        #expect(reference.count > 1000)
        for threads in [2, 3, 7] {
            #expect(try ReaderFixture.read(text, threads: threads) == reference, "\(threads) threads")
        }
    }

    @Test("Ids are numbered in order of first appearance in the file")
    func firstAppearanceOrder() throws {
        let text = Self.ratingsText(rows: 2000, seed: 5, words: true)
        let table = try ReaderFixture.read(text, threads: 3)
        var seenUsers: [String] = []
        var seenItems: [String] = []
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",").map(String.init)
            guard Double(fields[2])! >= 3.5 else { continue }
            if !seenUsers.contains(fields[0]) { seenUsers.append(fields[0]) }
            if !seenItems.contains(fields[1]) { seenItems.append(fields[1]) }
        }
        #expect(table.userIDs == seenUsers)
        #expect(table.itemIDs == seenItems)
    }

    @Test("The first error in the file is reported, with its line, for every thread count")
    func sameError() throws {
        var lines = Self.ratingsText(rows: 900, seed: 2).split(separator: "\n").map(String.init)
        lines[700] = "5,6,oops,7"
        lines[400] = "5,,4.0,7"
        let text = lines.joined(separator: "\n")
        for threads in [1, 2, 3, 8] {
            let error = try #require(try ReaderFixture.error(text, threads: threads))
            #expect(error == .emptyIdentifier(file: error.file, line: 401, role: "item id", column: "column 'movieId'"))
        }
    }

    @Test("Chunks start at line starts and cover the data exactly")
    func chunksAreLineAligned() {
        let text = Array("ab\ncdef\n\ng\nhijklmnop\nq".utf8)
        text.withUnsafeBufferPointer { bytes in
            for count in 1...12 {
                for lower in [0, 3] {
                    let chunks = InteractionReader.lineAlignedChunks(bytes, range: lower..<bytes.count, count: count)
                    #expect(chunks.first?.lowerBound == lower)
                    #expect(chunks.last?.upperBound == bytes.count)
                    for (left, right) in zip(chunks, chunks.dropFirst()) {
                        #expect(left.upperBound == right.lowerBound)
                    }
                    for chunk in chunks where chunk.lowerBound > lower && chunk.lowerBound < bytes.count {
                        #expect(bytes[chunk.lowerBound - 1] == UInt8(ascii: "\n"))
                    }
                }
            }
        }
    }
}
