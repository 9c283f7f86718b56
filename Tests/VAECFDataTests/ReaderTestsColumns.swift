import Foundation
import Testing

@testable import VAECFData

/// The reader follows the one description of the columns, ``InteractionColumn``.
@Suite("Interaction readers: columns come from InteractionColumn")
struct ReaderTestsColumns {
    @Test("csv headers with each column's last default name, in reverse order, among other columns")
    func defaultNamesInAnyOrder() throws {
        let columns = Array(InteractionColumn.allCases.reversed())
        let header = (["extra"] + columns.map { $0.defaultNames.last ?? "" }).joined(separator: ",")
        let value: (InteractionColumn, Int) -> String = { column, row in
            column.kind == .identifier ? "\(column.name)\(row)" : "\(3 + row)"
        }
        let rows = (0..<3).map { row in (["x"] + columns.map { value($0, row) }).joined(separator: ",") }
        let table = try ReaderFixture.read(([header] + rows).joined(separator: "\n") + "\n") { $0.ratingThreshold = 4 }
        #expect(ReaderFixture.pairs(table) == [["user1", "item1"], ["user2", "item2"]])
        #expect(table.rowsRead == 3)
    }

    @Test("columnNames picks every column by name; the headerless formats use the positional fields")
    func namedAndPositional() throws {
        let text = "a;b;c\nu;i;5\nv;j;1\n"
        let table = try ReaderFixture.read(text) { options in
            options.columnNames = [.user: "a", .item: "b", .rating: "c"]
        }
        #expect(ReaderFixture.pairs(table) == [["u", "i"]])
        var fields = [String](repeating: "0", count: InteractionColumn.allCases.count + 1)
        for column in InteractionColumn.allCases {
            guard let field = column.positionalField else { continue }
            fields[field] = column.kind == .identifier ? "\(column.rawValue + 10)" : "5"
        }
        let positional = try ReaderFixture.read(fields.joined(separator: "::") + "\n", name: "ratings.dat")
        #expect(ReaderFixture.pairs(positional) == [["10", "11"]])
    }

    @Test("a missing column is reported with the names tried, from the column's description")
    func missingColumnNamesTried() throws {
        for column in InteractionColumn.allCases where column.isRequiredByDefault {
            let others = InteractionColumn.allCases.filter { $0 != column }.map { $0.defaultNames[0] }
            let error = try #require(try ReaderFixture.error(others.joined(separator: ",") + "\n1,2\n"))
            #expect(
                error
                    == .missingColumn(
                        file: error.file, line: 1, role: column.name, tried: column.defaultNames, columns: others))
        }
    }
}
