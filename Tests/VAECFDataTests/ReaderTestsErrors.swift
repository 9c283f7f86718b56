import Foundation
import Testing

@testable import VAECFData

@Suite("Interaction readers: errors name the file, the line and what was expected")
struct ReaderTestsErrors {
    @Test("A missing file")
    func missingFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "vaecf-no-such-\(UUID().uuidString).csv")
        #expect(throws: DataError(file: path.path, message: "cannot open the file: No such file or directory")) {
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
        #expect(error.message == "cannot read the file: it is a folder")
        #expect(error.line == nil)
    }

    @Test("An empty file, and one with only blank lines or a byte order mark")
    func emptyFile() throws {
        for bytes in [[], Array("\n\r\n\n".utf8), [0xEF, 0xBB, 0xBF]] as [[UInt8]] {
            let error = try #require(throws: DataError.self) { try ReaderFixture.read(bytes) }
            #expect(error.message == "the file is empty")
            let explicit = try #require(throws: DataError.self) {
                try ReaderFixture.read(bytes) { $0.format = .movielens100k }
            }
            #expect(explicit.message == "the file is empty")
        }
    }

    @Test("A header without data rows")
    func headerOnly() throws {
        let error = try #require(try ReaderFixture.error("userId,movieId,rating,timestamp\n\n"))
        #expect(error.message == "the file has a header but no data rows")
    }

    @Test("A header without the user, item or rating column lists the columns found")
    func missingColumns() throws {
        let noItem = try #require(try ReaderFixture.error("user,thing,rating\n1,2,3\n"))
        #expect(noItem.line == 1)
        #expect(
            noItem.message == "the header has no item column (tried 'item', 'itemId', 'item_id', 'movieId', "
                + "'sid'); columns found: 'user', 'thing', 'rating'")
        let noUser = try #require(try ReaderFixture.error("who,item\n1,2\n"))
        #expect(noUser.message.hasPrefix("the header has no user column"))
        let named = try #require(try ReaderFixture.error("user,item,rating\n1,2,3\n") { $0.ratingColumn = "stars" })
        #expect(named.message == "the header has no column 'stars'; columns found: 'user', 'item', 'rating'")
        let movieLens = try #require(
            try ReaderFixture.error("userId,movieId,score\n1,2,3\n") { $0.format = .movielens20m })
        #expect(movieLens.message == "the header has no column 'rating'; columns found: 'userId', 'movieId', 'score'")
        let explicitUser = try #require(try ReaderFixture.error("user,item\n1,2\n") { $0.userColumn = "customer" })
        #expect(explicitUser.message == "the header has no column 'customer'; columns found: 'user', 'item'")
    }

    @Test("A line with too few fields")
    func tooFewFields() throws {
        let csv = try #require(try ReaderFixture.error("userId,movieId,rating,timestamp\n1,2,4.0,1\n1,3\n"))
        #expect(csv.line == 3)
        #expect(csv.message == "expected at least 3 fields separated by ',' (up to column 'rating'), found 2")
        let dat = try #require(try ReaderFixture.error("1::2::5::1\n1::3\n", name: "ratings.dat"))
        #expect(dat.line == 2)
        #expect(dat.message == "expected at least 3 fields separated by '::' (up to field 3 (rating)), found 2")
        let tab = try #require(try ReaderFixture.error("1\t2\t5\t1\n\n1 2 5 1\n", name: "u.data"))
        #expect(tab.line == 3)
        #expect(tab.message == "expected at least 3 fields separated by tab (up to field 3 (rating)), found 1")
        let quoted = try #require(try ReaderFixture.error("user,item,rating\n\"1\",2,3\n\"4\"\n"))
        #expect(quoted.line == 3)
        #expect(quoted.message.hasSuffix("found 1"))
    }

    @Test("A rating that is not a number")
    func badRating() throws {
        let error = try #require(try ReaderFixture.error("userId,movieId,rating,timestamp\n1,2,4.0,1\n1,3,abc,1\n"))
        #expect(error.description == "\(error.file):3: expected a number in column 'rating', found 'abc'")
        let empty = try #require(try ReaderFixture.error("1::2::::1\n", name: "ratings.dat"))
        #expect(empty.message == "expected a number in field 3 (rating), found ''")
        #expect(empty.line == 1)
    }

    @Test("An empty user or item id")
    func emptyID() throws {
        let user = try #require(try ReaderFixture.error("user,item\n1,2\n,3\n"))
        #expect(user.line == 3)
        #expect(user.message == "empty user id in column 'user'")
        let item = try #require(try ReaderFixture.error("5\t\t3\t1\n", name: "u.data") { $0.format = .movielens100k })
        #expect(item.message == "empty item id in field 2 (item id)")
        let quoted = try #require(try ReaderFixture.error("user,item\n\"\",3\n"))
        #expect(quoted.message == "empty user id in column 'user'")
    }

    @Test("No row passes the rating threshold")
    func nothingKept() throws {
        let error = try #require(try ReaderFixture.error("userId,movieId,rating,timestamp\n1,2,3.0,1\n1,3,2.5,1\n"))
        #expect(error.line == nil)
        #expect(error.message == "no row has a rating >= 3.5 (the rating threshold in column 'rating'); 2 rows read")
    }

    @Test("Broken quoting")
    func brokenQuoting() throws {
        let open = try #require(try ReaderFixture.error("user,item\n1,2\n1,\"never closed\n3,4\n"))
        #expect(open.line == 3)
        #expect(open.message == "a quoted field that starts on line 3 is never closed")
        let trailing = try #require(try ReaderFixture.error("user,item\n1,\"a\"b\n"))
        #expect(trailing.line == 2)
        #expect(trailing.message == "expected ',' or the end of the line after the closing quote of field 2, found 'b'")
        let header = try #require(try ReaderFixture.error("user,\"item\n1,2\n"))
        #expect(header.message.hasPrefix("cannot detect the format") || header.message.hasPrefix("in the header"))
    }
}
