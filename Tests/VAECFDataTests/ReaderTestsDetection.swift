import Foundation
import Testing

@testable import VAECFData

@Suite("Interaction readers: format detection")
struct ReaderTestsDetection {
    static func detect(_ text: String, name: String = "ratings.csv") throws -> InteractionFormat {
        try ReaderFixture.withFile(Array(text.utf8), name: name) { try InteractionReader.detectFormat($0) }
    }

    @Test("Each format is recognized from its first line")
    func formats() throws {
        #expect(try Self.detect("1::1193::5::978300760\n", name: "ratings.dat") == .movielens1m)
        #expect(try Self.detect("userId,movieId,rating,timestamp\n1,2,3.5,4\n") == .movielens20m)
        #expect(try Self.detect("196\t242\t3\t881250949\n", name: "u.data") == .movielens100k)
        #expect(try Self.detect("196\t242\t3\n", name: "u.data") == .movielens100k)
        #expect(try Self.detect("user,item,rating\na,b,4\n") == .csv)
        #expect(try Self.detect("user;item\na;b\n") == .csv)
        #expect(try Self.detect("uid\tsid\n1\t2\n") == .csv)
        #expect(try Self.detect("\r\n\nuserId,movieId,rating\n") == .movielens20m)
        #expect(try Self.detect("userId;movieId;rating\n1;2;3\n") == .csv)
    }

    @Test("Headerless delimited data that is not MovieLens gives a clear error")
    func headerlessCSV() throws {
        let error = try #require(try ReaderFixture.error("1,2,3.5,4\n5,6,4,7\n"))
        guard case .unknownFormat(_, 1, let reason) = error, reason.contains("looks like data without a header") else {
            Issue.record("expected an unknown format on line 1, got \(error)")
            return
        }
        #expect(error.description.hasPrefix(error.file + ":1: cannot detect the format"))
    }

    @Test("A first line without any delimiter gives a clear error")
    func noDelimiter() throws {
        let error = try #require(try ReaderFixture.error("just some words\nmore\n"))
        guard case .unknownFormat(_, 1, let reason) = error else {
            Issue.record("expected an unknown format on line 1, got \(error)")
            return
        }
        #expect(reason.hasPrefix("the first line 'just some words' has no comma, tab, semicolon or '::'"))
    }

    @Test("Explicit formats skip detection")
    func explicitFormat() throws {
        // A csv header that would be detected as movielens-20m reads as csv with the default columns.
        let table = try ReaderFixture.read("userId,movieId,rating\n1,2,5\n") { $0.format = .csv }
        #expect(ReaderFixture.pairs(table) == [["1", "2"]])
        // Tab-separated data read as MovieLens 100K even with 5 fields.
        let wide = try ReaderFixture.read("1\t2\t5\t0\textra\n") { $0.format = .movielens100k }
        #expect(wide.count == 1)
    }
}
