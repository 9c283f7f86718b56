import Foundation
import Testing

@testable import VAECFData

@Suite("Interaction readers: csv details")
struct ReaderTestsCSV {
    @Test("Quoted fields may hold the delimiter, doubled quotes and line breaks")
    func quoting() throws {
        let text = #"""
            "user","item","rating","comment"
            "a,1","x ""y""",4,"fine"
            b,"z",5,"two
            lines, with comma"
            "a,1",w,"4.5",
            c,"v",1,""

            """#
        let table = try ReaderFixture.read(text)
        #expect(table.rowsRead == 4)
        #expect(ReaderFixture.pairs(table) == [["a,1", "x \"y\""], ["b", "z"], ["a,1", "w"]])
    }

    @Test("Quoted and unquoted spellings of the same file give the same table")
    func quotedEqualsPlain() throws {
        let plain = "user,item,rating\n1,10,4\n2,11,5\n1,12,3\n3,10,4.5\n"
        let quoted = "user,item,rating\n\"1\",\"10\",\"4\"\n2,\"11\",5\n1,12,\"3\"\n\"3\",10,4.5\n"
        #expect(try ReaderFixture.read(plain) == ReaderFixture.read(quoted))
    }

    @Test("Line numbers after a quoted line break count physical lines")
    func lineNumbersAfterQuotedBreak() throws {
        let text = "user,item,rating\n1,\"a\nb\",4\n2,c,bad\n"
        let error = try #require(try ReaderFixture.error(text))
        #expect(error == .notANumber(file: error.file, line: 4, column: "column 'rating'", found: "'bad'"))
    }

    @Test("CRLF line ends, with and without a final line end")
    func crlf() throws {
        let expected = try ReaderFixture.read("userId,movieId,rating,timestamp\n1,2,4.0,5\n1,3,5.0,6\n")
        let crlf = try ReaderFixture.read("userId,movieId,rating,timestamp\r\n1,2,4.0,5\r\n1,3,5.0,6\r\n")
        let noFinal = try ReaderFixture.read("userId,movieId,rating,timestamp\r\n1,2,4.0,5\r\n1,3,5.0,6")
        #expect(crlf == expected)
        #expect(noFinal == expected)
        // The rating is the last field: its "\r" must not make it unparsable.
        let lastField = try ReaderFixture.read("user,item,rating\r\n1,2,4\r\n3,4,5\r\n")
        #expect(lastField.count == 2)
        let quotedLast = try ReaderFixture.read("user,item,rating\r\n1,2,\"4\"\r\n3,4,5")
        #expect(quotedLast == lastField)
        let tabs = try ReaderFixture.read("1\t2\t4\t9\r\n3\t4\t5\t9\r\n", name: "u.data")
        #expect(tabs.itemIDs == ["2", "4"])
    }

    @Test("A UTF-8 byte order mark before the header is skipped")
    func byteOrderMark() throws {
        let body = Array("userId,movieId,rating,timestamp\n1,2,4.0,5\n".utf8)
        let table = try ReaderFixture.read([0xEF, 0xBB, 0xBF] + body)
        #expect(table.userIDs == ["1"])
        let detected = try ReaderFixture.withFile([0xEF, 0xBB, 0xBF] + body) { try InteractionReader.detectFormat($0) }
        #expect(detected == .movielens20m)
        let dat = try ReaderFixture.read([0xEF, 0xBB, 0xBF] + Array("7::8::5::1\n".utf8), name: "ratings.dat")
        #expect(dat.userIDs == ["7"])
    }

    @Test("Blank lines are skipped and not counted as rows; spaces around fields are trimmed")
    func blankLinesAndSpaces() throws {
        let table = try ReaderFixture.read("user, item , rating\n\n 1 , 2 , 4 \n\r\n\n3,4,5\n\n")
        #expect(table.rowsRead == 2)
        #expect(ReaderFixture.pairs(table) == [["1", "2"], ["3", "4"]])
    }

    @Test("Delimiters: tab-separated csv, explicit delimiter, header names matched ignoring case")
    func delimiters() throws {
        let tabbed = try ReaderFixture.read("UserID\tItemID\tRating\na\tb\t5\n", name: "data.tsv")
        #expect(ReaderFixture.pairs(tabbed) == [["a", "b"]])
        let piped = try ReaderFixture.read("user|item\na|b\n") {
            $0.format = .csv
            $0.delimiter = UInt8(ascii: "|")
        }
        #expect(ReaderFixture.pairs(piped) == [["a", "b"]])
    }

    @Test("Non-ASCII ids survive")
    func unicodeIDs() throws {
        let table = try ReaderFixture.read("user,item\nzoë,\"café, au lait\"\n日本,ü\n")
        #expect(table.userIDs == ["zoë", "日本"])
        #expect(table.itemIDs == ["café, au lait", "ü"])
    }
}
