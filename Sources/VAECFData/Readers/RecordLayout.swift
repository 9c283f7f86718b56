/// Where each ``InteractionColumn`` is in the data lines of a file, and how lines are split.
struct RecordLayout: Sendable {
    /// Field delimiter byte.
    var delimiter: UInt8
    /// True when the delimiter is the byte written twice (`::` of MovieLens 1M).
    var doubledDelimiter: Bool
    /// Per column (indexed by ``InteractionColumn/rawValue``): its 0-based field, or nil when the file lacks it.
    var fieldOfColumn: [Int?]
    /// Per column: its name in messages, e.g. `column 'userId'` or `field 1 (user id)` (empty when absent).
    var columnNames: [String]
    /// Per field up to ``fieldsNeeded``: the raw value of the column it holds, or -1.
    let columnOfField: [Int]

    init(delimiter: UInt8, doubledDelimiter: Bool, fieldOfColumn: [Int?], columnNames: [String]) {
        self.delimiter = delimiter
        self.doubledDelimiter = doubledDelimiter
        self.fieldOfColumn = fieldOfColumn
        self.columnNames = columnNames
        var columnOfField = [Int](repeating: -1, count: (fieldOfColumn.compactMap { $0 }.max() ?? 0) + 1)
        for (column, field) in fieldOfColumn.enumerated() {
            if let field { columnOfField[field] = column }
        }
        self.columnOfField = columnOfField
    }

    /// Number of fields a line needs: up to the last field of a present column.
    var fieldsNeeded: Int { columnOfField.count }

    /// The columns the file has, in ``InteractionColumn`` order.
    var presentColumns: [InteractionColumn] { InteractionColumn.allCases.filter { fieldOfColumn[$0.rawValue] != nil } }

    /// The name of `column` in messages.
    func name(of column: InteractionColumn) -> String { columnNames[column.rawValue] }

    /// The name of the last needed field, for "too few fields" messages.
    var lastNeededName: String { columnNames[columnOfField[fieldsNeeded - 1]] }

    /// The layout of a format without header: every column in its ``InteractionColumn/positionalField``.
    static func positional(delimiter: UInt8, doubled: Bool) -> RecordLayout {
        RecordLayout(
            delimiter: delimiter, doubledDelimiter: doubled,
            fieldOfColumn: InteractionColumn.allCases.map(\.positionalField),
            columnNames: InteractionColumn.allCases.map { column in
                column.positionalField.map { "field \($0 + 1) (\(column.role))" } ?? ""
            })
    }

    /// The layout of a file with `header`, choosing columns by name.
    /// - Parameters:
    ///   - names: per column, the names tried in order; the first present wins.
    ///   - required: whether the header must have the column.
    /// - Throws: ``DataError/missingColumn(file:line:role:tried:columns:)`` naming what is missing.
    static func named(
        header: [String], delimiter: UInt8, names: (InteractionColumn) -> [String],
        required: (InteractionColumn) -> Bool, file: String, headerLine: Int
    ) throws(DataError) -> RecordLayout {
        var fields = [Int?]()
        for column in InteractionColumn.allCases {
            let tried = names(column)
            let field = self.column(in: header, named: tried)
            if field == nil && required(column) {
                throw .missingColumn(file: file, line: headerLine, role: column.name, tried: tried, columns: header)
            }
            fields.append(field)
        }
        return RecordLayout(
            delimiter: delimiter, doubledDelimiter: false, fieldOfColumn: fields,
            columnNames: fields.map { field in field.map { "column '\(FieldParsing.shortened(header[$0]))'" } ?? "" })
    }

    /// Index of the first of `names` in `header`: an exact match, or else one ignoring case.
    static func column(in header: [String], named names: [String]) -> Int? {
        for name in names {
            if let index = header.firstIndex(of: name) { return index }
            let lowered = name.lowercased()
            if let index = header.firstIndex(where: { $0.lowercased() == lowered }) { return index }
        }
        return nil
    }
}
