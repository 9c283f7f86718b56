import Foundation
import Testing

@testable import VAECFData

@Suite("Interaction readers: errors name the file, the line and what was expected")
struct ReaderTestsErrors {
    @Test("A missing file")
    func missingFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "vaecf-no-such-\(UUID().uuidString).csv")
        #expect(throws: DataError.cannotOpen(file: path.path, reason: "No such file or directory")) {
            try InteractionReader.read(path, options: ReaderOptions())
        }
        #expect(throws: DataError.self) { try InteractionReader.detectFormat(path) }
    }

    @Test("A folder instead of a file")
    func folder() throws {
        let folder = FileManager.default.temporaryDirectory
        let error = try #require(throws: DataError.self) {
            try InteractionReader.read(folder, options: ReaderOptions())
        }
        #expect(error == .cannotRead(file: folder.path, reason: "it is a folder"))
        #expect(error.message == "cannot read the file: it is a folder")
        #expect(error.line == nil)
    }

    @Test("An empty file, and one with only blank lines or a byte order mark")
    func emptyFile() throws {
        for bytes in [[], Array("\n\r\n\n".utf8), [0xEF, 0xBB, 0xBF]] as [[UInt8]] {
            let error = try #require(throws: DataError.self) { try ReaderFixture.read(bytes) }
            #expect(error == .emptyFile(file: error.file))
            #expect(error.message == "the file is empty")
            let explicit = try #require(throws: DataError.self) {
                try ReaderFixture.read(bytes) { $0.format = .movielens100k }
            }
            #expect(explicit == .emptyFile(file: explicit.file))
        }
    }

    @Test("A header without data rows")
    func headerOnly() throws {
        let error = try #require(try ReaderFixture.error("userId,movieId,rating,timestamp\n\n"))
        #expect(error == .noDataRows(file: error.file, hasHeader: true))
        #expect(error.message == "the file has a header but no data rows")
    }

    @Test("A header without the user, item or rating column lists the columns found")
    func missingColumns() throws {
        let noItem = try #require(try ReaderFixture.error("user,thing,rating\n1,2,3\n"))
        #expect(
            noItem
                == .missingColumn(
                    file: noItem.file, line: 1, role: "item", tried: ["item", "itemId", "item_id", "movieId", "sid"],
                    columns: ["user", "thing", "rating"]))
        #expect(
            noItem.message == "the header has no item column (tried 'item', 'itemId', 'item_id', 'movieId', "
                + "'sid'); columns found: 'user', 'thing', 'rating'")
        let noUser = try #require(try ReaderFixture.error("who,item\n1,2\n"))
        guard case .missingColumn(_, 1, "user", _, ["who", "item"]) = noUser else {
            Issue.record("expected a missing user column, got \(noUser)")
            return
        }
        let named = try #require(try ReaderFixture.error("user,item,rating\n1,2,3\n") { $0.ratingColumn = "stars" })
        #expect(
            named
                == .missingColumn(
                    file: named.file, line: 1, role: "rating", tried: ["stars"], columns: ["user", "item", "rating"]))
        #expect(named.message == "the header has no column 'stars'; columns found: 'user', 'item', 'rating'")
        let movieLens = try #require(
            try ReaderFixture.error("userId,movieId,score\n1,2,3\n") { $0.format = .movielens20m })
        #expect(
            movieLens
                == .missingColumn(
                    file: movieLens.file, line: 1, role: "rating", tried: ["rating"],
                    columns: ["userId", "movieId", "score"]))
        let explicitUser = try #require(try ReaderFixture.error("user,item\n1,2\n") { $0.userColumn = "customer" })
        #expect(
            explicitUser
                == .missingColumn(
                    file: explicitUser.file, line: 1, role: "user", tried: ["customer"], columns: ["user", "item"]))
    }

    @Test("A line with too few fields")
    func tooFewFields() throws {
        let csv = try #require(try ReaderFixture.error("userId,movieId,rating,timestamp\n1,2,4.0,1\n1,3\n"))
        #expect(
            csv
                == .tooFewFields(
                    file: csv.file, line: 3, expected: 3, found: 2, delimiter: "','", lastNeeded: "column 'rating'"))
        #expect(csv.message == "expected at least 3 fields separated by ',' (up to column 'rating'), found 2")
        let dat = try #require(try ReaderFixture.error("1::2::5::1\n1::3\n", name: "ratings.dat"))
        #expect(
            dat
                == .tooFewFields(
                    file: dat.file, line: 2, expected: 3, found: 2, delimiter: "'::'", lastNeeded: "field 3 (rating)"))
        let tab = try #require(try ReaderFixture.error("1\t2\t5\t1\n\n1 2 5 1\n", name: "u.data"))
        #expect(
            tab
                == .tooFewFields(
                    file: tab.file, line: 3, expected: 3, found: 1, delimiter: "tab", lastNeeded: "field 3 (rating)"))
        let quoted = try #require(try ReaderFixture.error("user,item,rating\n\"1\",2,3\n\"4\"\n"))
        guard case .tooFewFields(_, 3, 3, 1, _, _) = quoted else {
            Issue.record("expected too few fields on line 3, got \(quoted)")
            return
        }
    }

    @Test("A rating that is not a number")
    func badRating() throws {
        let error = try #require(try ReaderFixture.error("userId,movieId,rating,timestamp\n1,2,4.0,1\n1,3,abc,1\n"))
        #expect(error == .notANumber(file: error.file, line: 3, column: "column 'rating'", found: "'abc'"))
        #expect(error.description == "\(error.file):3: expected a number in column 'rating', found 'abc'")
        let empty = try #require(try ReaderFixture.error("1::2::::1\n", name: "ratings.dat"))
        #expect(empty == .notANumber(file: empty.file, line: 1, column: "field 3 (rating)", found: "''"))
    }

    @Test("An empty user or item id")
    func emptyID() throws {
        let user = try #require(try ReaderFixture.error("user,item\n1,2\n,3\n"))
        #expect(user == .emptyIdentifier(file: user.file, line: 3, role: "user id", column: "column 'user'"))
        #expect(user.message == "empty user id in column 'user'")
        let item = try #require(try ReaderFixture.error("5\t\t3\t1\n", name: "u.data") { $0.format = .movielens100k })
        #expect(item == .emptyIdentifier(file: item.file, line: 1, role: "item id", column: "field 2 (item id)"))
        let quoted = try #require(try ReaderFixture.error("user,item\n\"\",3\n"))
        #expect(quoted == .emptyIdentifier(file: quoted.file, line: 2, role: "user id", column: "column 'user'"))
    }

    @Test("No row passes the rating threshold")
    func nothingKept() throws {
        let error = try #require(try ReaderFixture.error("userId,movieId,rating,timestamp\n1,2,3.0,1\n1,3,2.5,1\n"))
        #expect(
            error == .nothingAboveThreshold(file: error.file, threshold: 3.5, column: "column 'rating'", rowsRead: 2))
        #expect(error.line == nil)
        #expect(error.message == "no row has a rating >= 3.5 (the rating threshold in column 'rating'); 2 rows read")
    }

    @Test("Broken quoting")
    func brokenQuoting() throws {
        let open = try #require(try ReaderFixture.error("user,item\n1,2\n1,\"never closed\n3,4\n"))
        #expect(open == .unclosedQuote(file: open.file, line: 3, startLine: 3))
        #expect(open.message == "a quoted field that starts on line 3 is never closed")
        let trailing = try #require(try ReaderFixture.error("user,item\n1,\"a\"b\n"))
        #expect(trailing == .textAfterQuote(file: trailing.file, line: 2, field: 2, delimiter: "','", found: "b"))
        let header = try #require(try ReaderFixture.error("user,\"item\n1,2\n"))
        guard case .unclosedQuote(_, 1, 1) = header else {
            Issue.record("expected an unclosed quote on line 1, got \(header)")
            return
        }
    }
}
