import Foundation
import Testing
import VAECFCore

@testable import VAECFData

@Suite("Interaction readers: formats")
struct ReaderTests {
    @Test("MovieLens 20M ratings.csv: threshold 3.5, ids in order of first appearance")
    func movieLens20M() throws {
        let text = """
            userId,movieId,rating,timestamp
            1,2,3.5,1112486027
            1,29,3.0,1112484676
            1,32,3.5,1112484819
            2,29,5.0,974820889
            3,5,0.5,974820889
            3,2,4.0,974820889

            """
        let table = try ReaderFixture.read(text)
        #expect(table.rowsRead == 6)
        #expect(table.userIDs == ["1", "2", "3"])
        #expect(table.itemIDs == ["2", "32", "29"])
        #expect(table.users == [0, 0, 1, 2])
        #expect(table.items == [0, 1, 2, 0])
        #expect(ReaderFixture.pairs(table) == [["1", "2"], ["1", "32"], ["2", "29"], ["3", "2"]])
    }

    @Test("MovieLens 1M ratings.dat with '::' delimiters")
    func movieLens1M() throws {
        let text = "1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n10::48::4::978224375\n"
        let table = try ReaderFixture.read(text, name: "ratings.dat")
        #expect(table.rowsRead == 4)
        #expect(table.userIDs == ["1", "2", "10"])
        #expect(table.itemIDs == ["1193", "48"])
        #expect(table.users == [0, 1, 2])
        #expect(table.items == [0, 0, 1])
        let explicit = try ReaderFixture.read(text, name: "ratings.dat") { $0.format = .movielens1m }
        #expect(explicit == table)
    }

    @Test("MovieLens 100K u.data, tab separated")
    func movieLens100K() throws {
        let text = "196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n244\t51\t4\t880606923\n"
        let all = try ReaderFixture.read(text, name: "u.data") { $0.ratingThreshold = 0 }
        #expect(all.rowsRead == 4)
        #expect(all.userIDs == ["196", "186", "22", "244"])
        #expect(all.itemIDs == ["242", "302", "377", "51"])
        let positive = try ReaderFixture.read(text, name: "u.data") { $0.ratingThreshold = 4 }
        #expect(positive.userIDs == ["244"])
        #expect(positive.itemIDs == ["51"])
        #expect(positive.rowsRead == 4)
    }

    @Test("csv: semicolons, columns chosen by name in any order, explicit rating column")
    func csvNamedColumns() throws {
        let text = "when;item_id;score;user\n5;a;1;u1\n6;b;5;u1\n7;a;4.5;u2\n"
        let table = try ReaderFixture.read(text) {
            $0.ratingColumn = "score"
            $0.ratingThreshold = 4
        }
        #expect(table.userIDs == ["u1", "u2"])
        #expect(table.itemIDs == ["b", "a"])
        #expect(ReaderFixture.pairs(table) == [["u1", "b"], ["u2", "a"]])
    }

    @Test("csv: explicit user and item columns override the defaults")
    func csvExplicitColumns() throws {
        let text = "user,item,buyer,product\n1,2,x,y\n3,4,z,w\n"
        let table = try ReaderFixture.read(text) {
            $0.userColumn = "buyer"
            $0.itemColumn = "product"
        }
        #expect(ReaderFixture.pairs(table) == [["x", "y"], ["z", "w"]])
    }

    @Test("csv without a rating column keeps every row, whatever the threshold")
    func csvWithoutRating() throws {
        let text = "uid,sid\n0,5\n0,7\n1,5\n"
        let table = try ReaderFixture.read(text) { $0.ratingThreshold = 100 }
        #expect(table.rowsRead == 3)
        #expect(table.count == 3)
        #expect(table.userIDs == ["0", "1"])
        #expect(table.itemIDs == ["5", "7"])
    }

    @Test("Duplicate (user, item) rows are kept")
    func duplicatesKept() throws {
        let table = try ReaderFixture.read("user,item\n1,1\n1,1\n1,2\n1,1\n")
        #expect(table.users == [0, 0, 0, 0])
        #expect(table.items == [0, 0, 1, 0])
    }

    @Test("Ids keep their exact text: leading zeros, signs, huge numbers and words stay distinct")
    func idsAreText() throws {
        let text = "user,item\n7,1\n007,1\n-7,1\n+7,1\n123456789012345678901,1\n9000000000,1\nalice,1\n7,2\n"
        let table = try ReaderFixture.read(text)
        #expect(table.userIDs == ["7", "007", "-7", "+7", "123456789012345678901", "9000000000", "alice"])
        #expect(table.users == [0, 1, 2, 3, 4, 5, 6, 0])
        #expect(table.itemIDs == ["1", "2"])
    }

    @Test("Ratings: the threshold is inclusive; decimals, integers, signs and exponents parse")
    func ratingForms() throws {
        let text = "user,item,rating\na,1,3.5\nb,2,3.49\nc,3,4\nd,4,4e0\ne,5,.5\nf,6,35E-1\ng,7,+4.0\nh,8,-1\n"
        let table = try ReaderFixture.read(text)
        #expect(table.userIDs == ["a", "c", "d", "f", "g"])
        #expect(table.rowsRead == 8)
        let low = try ReaderFixture.read(text) { $0.ratingThreshold = -2 }
        #expect(low.count == 8)
    }

    @Test("Field parsing agrees with strtod on many decimals")
    func numberParsing() {
        var random = RandomSourceForTests(seed: 3)
        for _ in 0..<2000 {
            let text = random.decimalText()
            let bytes = Array(text.utf8)
            let parsed = bytes.withUnsafeBufferPointer { FieldParsing.number($0) }
            #expect(parsed == strtod(text, nil), "\(text)")
        }
        for bad in ["", "-", ".", "1.2.3", "abc", "1e", "nan", "inf", "1,5", "0x10"] {
            #expect(Array(bad.utf8).withUnsafeBufferPointer { FieldParsing.number($0) } == nil, "\(bad)")
        }
    }

    @Test("Progress reports grow to the file size")
    func progress() throws {
        let text = "user,item\n" + (0..<1000).map { "\($0 % 17),\($0)\n" }.joined()
        let recorder = ProgressRecorder()
        _ = try ReaderFixture.withFile(Array(text.utf8)) { url in
            try InteractionReader.read(url, options: ReaderOptions(), progress: { recorder.record($0, $1) })
        }
        let calls = recorder.calls
        #expect(!calls.isEmpty)
        #expect(calls.last?.0 == text.utf8.count)
        #expect(calls.allSatisfy { $0.1 == text.utf8.count })
        #expect(zip(calls, calls.dropFirst()).allSatisfy { $0.0 <= $1.0 })
    }
}

/// Collects progress calls from any thread.
final class ProgressRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [(Int, Int)] = []
    func record(_ done: Int, _ total: Int) {
        lock.lock()
        storage.append((done, total))
        lock.unlock()
    }
    var calls: [(Int, Int)] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}

/// Random decimal texts for parser checks.
struct RandomSourceForTests {
    private var generator: SplitMix64
    init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    mutating func decimalText() -> String {
        let integerDigits = Int(generator.next() % 8)
        let fractionDigits = Int(generator.next() % 9)
        var text = generator.next() % 4 == 0 ? "-" : ""
        text += integerDigits == 0 ? "0" : String(generator.next() % UInt64(pow(10, Double(integerDigits))))
        if fractionDigits > 0 {
            text += "." + String((0..<fractionDigits).map { _ in Character(String(generator.next() % 10)) })
        }
        if generator.next() % 5 == 0 { text += "e\(Int(generator.next() % 21) - 10)" }
        return text
    }
}
