/// A problem in one data line; the parser adds the file and the line number (``error(file:line:)``).
enum RowProblem: Error {
    /// See ``DataError/tooFewFields(file:line:expected:found:delimiter:lastNeeded:)``.
    case tooFewFields(expected: Int, found: Int, delimiter: String, lastNeeded: String)
    /// See ``DataError/emptyIdentifier(file:line:role:column:)``.
    case emptyIdentifier(role: String, column: String)
    /// See ``DataError/notANumber(file:line:column:found:)``.
    case notANumber(column: String, found: String)
    /// See ``DataError/unclosedQuote(file:line:startLine:)``.
    case unclosedQuote(startLine: Int)
    /// See ``DataError/textAfterQuote(file:line:field:delimiter:found:)``.
    case textAfterQuote(field: Int, delimiter: String, found: String)

    /// The problem as the ``DataError`` of `file` at `line`.
    func error(file: String, line: Int) -> DataError {
        switch self {
        case .tooFewFields(let expected, let found, let delimiter, let lastNeeded):
            return .tooFewFields(
                file: file, line: line, expected: expected, found: found, delimiter: delimiter, lastNeeded: lastNeeded)
        case .emptyIdentifier(let role, let column):
            return .emptyIdentifier(file: file, line: line, role: role, column: column)
        case .notANumber(let column, let found):
            return .notANumber(file: file, line: line, column: column, found: found)
        case .unclosedQuote(let startLine): return .unclosedQuote(file: file, line: line, startLine: startLine)
        case .textAfterQuote(let field, let delimiter, let found):
            return .textAfterQuote(file: file, line: line, field: field, delimiter: delimiter, found: found)
        }
    }

    /// The problem of a line with `found` fields where `layout` needs more.
    static func tooFewFields(_ found: Int, layout: RecordLayout) -> RowProblem {
        .tooFewFields(
            expected: layout.fieldsNeeded, found: found,
            delimiter: FieldParsing.delimiterName(layout.delimiter, doubled: layout.doubledDelimiter),
            lastNeeded: layout.lastNeededName)
    }
}
