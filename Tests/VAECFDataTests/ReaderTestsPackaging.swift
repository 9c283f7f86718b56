import Foundation
import Testing
import ZIPFoundation

@testable import VAECFData

/// gzip and zip input, binary input, and the length of error messages about huge lines.
@Suite("reader: compressed and binary input")
struct ReaderTestsPackaging {
    static let uData = (1...30).map { user in
        (1...6).map { item in "\(user)\t\(item * 7 % 40 + 1)\t\(3 + (user + item) % 3)\t88125\(user)\n" }.joined()
    }.joined()

    /// `data` as a gzip file (RFC 1952), with a file name in the header as the gzip tool writes it.
    static func gzip(_ data: Data, name: String? = "u.data") throws -> Data {
        var deflated = Data()
        _ = try Data.compress(
            size: Int64(data.count), bufferSize: 4096,
            provider: { position, size in
                data.subdata(in: Int(position)..<(Int(position) + size))
            }, consumer: { deflated.append($0) })
        var file = Data([0x1F, 0x8B, 8, name == nil ? 0 : 0x08, 0, 0, 0, 0, 0, 3])
        if let name { file += Data(name.utf8) + Data([0]) }
        file += deflated
        let crc = data.crc32(checksum: 0)
        for value in [crc, UInt32(truncatingIfNeeded: data.count)] {
            file += Data((0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) })
        }
        return file
    }

    /// A zip archive with the given (path, contents) entries.
    static func zip(_ entries: [(String, Data)]) throws -> Data {
        let archive = try Archive(accessMode: .create)
        for (path, contents) in entries {
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(contents.count), compressionMethod: .deflate
            ) { (position: Int64, size: Int) in contents.subdata(in: Int(position)..<(Int(position) + size)) }
        }
        return try #require(archive.data)
    }

    static func readError(_ bytes: Data, name: String) throws -> DataError? {
        do {
            _ = try ReaderFixture.read(Array(bytes), name: name)
            return nil
        } catch let error as DataError {
            return error
        }
    }

    @Test("a gzip file reads as its text does, with or without a name in the header")
    func gzipInput() throws {
        let plain = try ReaderFixture.read(Self.uData, name: "u.data")
        for name in ["u.data", nil] {
            let compressed = try Self.gzip(Data(Self.uData.utf8), name: name)
            let table = try ReaderFixture.read(Array(compressed), name: "u.data.gz")
            #expect(ReaderFixture.pairs(table) == ReaderFixture.pairs(plain))
            let format = try ReaderFixture.withFile(Array(compressed), name: "u.data.gz") {
                try InteractionReader.detectFormat($0)
            }
            #expect(format == .movielens100k)
        }
    }

    @Test("a truncated or damaged gzip file fails with a clear message")
    func damagedGzip() throws {
        let compressed = try Self.gzip(Data(Self.uData.utf8))
        let truncated = compressed.prefix(compressed.count / 2)
        var flipped = compressed
        flipped[compressed.count / 2] ^= 0x5A
        for bad in [Data(truncated), flipped] {
            let error = try #require(try Self.readError(bad, name: "u.data.gz"))
            guard case .damagedGzip = error else {
                Issue.record("expected a damaged gzip file, got \(error)")
                continue
            }
            #expect(error.description.count < 300)
        }
    }

    @Test("a MovieLens zip is read through its ratings file; messages name the entry")
    func zipInput() throws {
        let plain = try ReaderFixture.read(Self.uData, name: "u.data")
        let archive = try Self.zip([
            ("ml-100k/README", Data("readme\n".utf8)), ("ml-100k/u1.base", Data("1\t2\t3\t4\n".utf8)),
            ("ml-100k/u.data", Data(Self.uData.utf8)),
        ])
        let table = try ReaderFixture.read(Array(archive), name: "ml-100k.zip")
        #expect(ReaderFixture.pairs(table) == ReaderFixture.pairs(plain))

        let bad = try Self.zip([
            ("ml-20m/movies.csv", Data("a\n".utf8)),
            ("ml-20m/ratings.csv", Data("userId,movieId,rating\n1,2,x\n".utf8)),
        ])
        let error = try #require(try Self.readError(bad, name: "ml-20m.zip"))
        #expect(error.file.hasSuffix("ml-20m.zip (ml-20m/ratings.csv)"))
        #expect(error == .notANumber(file: error.file, line: 2, column: "column 'rating'", found: "'x'"))

        let ambiguous = try Self.zip([
            ("a.csv", Data("user,item\n1,2\n".utf8)), ("b.csv", Data("user,item\n1,2\n".utf8)),
        ])
        let refused = try #require(try Self.readError(ambiguous, name: "other.zip"))
        #expect(
            refused
                == .noRatingsInArchive(
                    file: refused.file, fileCount: 2, entries: ["a.csv", "b.csv"],
                    expected: ["ratings.csv", "ratings.dat", "u.data"]))

        let single = try Self.zip([("interactions.csv", Data("user,item\n1,2\n1,3\n".utf8))])
        #expect(try ReaderFixture.read(Array(single), name: "single.zip").count == 2)
    }

    @Test("binary input is refused as not a text file")
    func binaryInput() throws {
        var random = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) })
        random[100] = 0
        let error = try #require(try Self.readError(random, name: "ratings.csv"))
        let firstNUL = try #require(random.firstIndex(of: 0))
        #expect(error == .notText(file: error.file, reason: "it holds binary data (a NUL byte at offset \(firstNUL))"))
        #expect(error.description.count < 300)
        let bzip2 = try #require(try Self.readError(Data("BZh91AY&SY".utf8) + random, name: "ratings.csv.bz2"))
        #expect(bzip2 == .notText(file: bzip2.file, reason: "it looks like bzip2-compressed"))
        // Latin-1 text is still text.
        let latin1 =
            Data("user;item\n1;caf".utf8) + Data([0xE9]) + Data("\n2;na".utf8) + Data([0xEF]) + Data("ve\n".utf8)
        #expect(try ReaderFixture.read(Array(latin1), name: "latin1.csv").count == 2)
    }

    @Test("messages quote at most 80 characters of a huge line")
    func hugeLines() throws {
        let wideHeader = (0..<100_000).map { "column\($0)" }.joined(separator: ",") + "\n1,2\n"
        let header = try #require(try ReaderFixture.error(wideHeader))
        guard case .missingColumn(_, 1, "user", _, let columns) = header, columns.count == 100_000 else {
            Issue.record("expected a missing user column among 100000, got \(header)")
            return
        }
        #expect(header.message.contains("columns found: 'column0', 'column1'"))
        #expect(header.message.contains("... (100000 columns)"))
        #expect(header.description.count < 800, "\(header.description.count) characters")

        let longName = "user,item," + String(repeating: "r", count: 1_000_000) + "\n1,2,3\n"
        let named = try #require(try ReaderFixture.error(longName) { $0.ratingColumn = "x" })
        #expect(named.description.count < 800, "\(named.description.count) characters")

        let longRating = "user,item,rating\n1,2," + String(repeating: "9x", count: 500_000) + "\n"
        let rating = try #require(try ReaderFixture.error(longRating))
        guard case .notANumber(_, 2, _, let found) = rating else {
            Issue.record("expected a rating that is not a number, got \(rating)")
            return
        }
        #expect(found.hasSuffix("... (1000000 bytes)'"))
        #expect(rating.description.count < 300)

        let noDelimiter = String(repeating: "z", count: 1_000_000) + "\n"
        let detection = try #require(try ReaderFixture.error(noDelimiter))
        guard case .unknownFormat(_, 1, let reason) = detection else {
            Issue.record("expected an unknown format, got \(detection)")
            return
        }
        #expect(reason.contains("'" + String(repeating: "z", count: 80) + "... (1000000 bytes)'"))
        #expect(detection.description.count < 500)
    }
}
