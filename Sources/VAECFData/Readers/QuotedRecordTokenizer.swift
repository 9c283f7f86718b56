/// Splits delimited text into records of fields following RFC 4180: a field may be quoted (`"..."`),
/// may then hold the delimiter and line breaks, and writes a quote as `""`. Accepts `\n` and `\r\n`
/// line ends and skips blank lines. Slower than ``DelimitedChunkParser`` but general; used for headers
/// and for files that contain quotes.
struct QuotedRecordTokenizer {
    let bytes: UnsafeBufferPointer<UInt8>
    let delimiter: UInt8
    /// Offset of the next unread byte.
    private(set) var position: Int
    /// Line ends passed so far (physical lines, including those inside quoted fields).
    private(set) var linesPassed: Int = 0
    /// The 1-based line (counted from the starting position) on which the last record started.
    private(set) var recordLine: Int = 0
    /// Fields of the last record: `fields[0 ..< fieldCount]` (unquoted and unescaped).
    private(set) var fields: [[UInt8]] = []
    private(set) var fieldCount = 0
    /// Lines of the file before `start`, so that messages can give file line numbers.
    let linesBeforeStart: Int

    init(bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8, start: Int, linesBeforeStart: Int = 0) {
        self.bytes = bytes
        self.delimiter = delimiter
        self.position = start
        self.linesBeforeStart = linesBeforeStart
    }

    /// Reads the next record that is not a blank line; false at the end of the text.
    /// - Throws: a ``RowProblem`` for a quoted field that is never closed or is followed by other text.
    mutating func nextRecord() throws(RowProblem) -> Bool {
        let end = bytes.count
        let newline = UInt8(ascii: "\n")
        let carriageReturn = UInt8(ascii: "\r")
        while position < end {
            if bytes[position] == newline {
                position += 1
                linesPassed += 1
            } else if bytes[position] == carriageReturn && (position + 1 == end || bytes[position + 1] == newline) {
                position += min(2, end - position)
                linesPassed += 1
            } else {
                break
            }
        }
        guard position < end else { return false }
        recordLine = linesPassed + 1
        fieldCount = 0
        while true {
            if fieldCount == fields.count { fields.append([]) }
            fields[fieldCount].removeAll(keepingCapacity: true)
            if bytes[position] == UInt8(ascii: "\"") {
                try readQuotedField()
            } else {
                while position < end && bytes[position] != delimiter && bytes[position] != newline {
                    fields[fieldCount].append(bytes[position])
                    position += 1
                }
                if (position == end || bytes[position] == newline) && fields[fieldCount].last == carriageReturn {
                    fields[fieldCount].removeLast()
                }
            }
            fieldCount += 1
            if position == end { return true }
            if bytes[position] == newline {
                position += 1
                linesPassed += 1
                return true
            }
            position += 1  // the delimiter
            if position == end {
                if fieldCount == fields.count { fields.append([]) }
                fields[fieldCount].removeAll(keepingCapacity: true)
                fieldCount += 1
                return true
            }
        }
    }

    /// Reads a quoted field starting at `position` and leaves `position` at the delimiter, the line
    /// end or the end of the text.
    private mutating func readQuotedField() throws(RowProblem) {
        let end = bytes.count
        let quote = UInt8(ascii: "\"")
        let startLine = linesBeforeStart + linesPassed + 1
        position += 1
        while true {
            guard position < end else {
                throw .unclosedQuote(startLine: startLine)
            }
            let byte = bytes[position]
            if byte == quote {
                if position + 1 < end && bytes[position + 1] == quote {
                    fields[fieldCount].append(quote)
                    position += 2
                    continue
                }
                position += 1
                break
            }
            if byte == UInt8(ascii: "\n") { linesPassed += 1 }
            fields[fieldCount].append(byte)
            position += 1
        }
        guard position < end else { return }
        let next = bytes[position]
        if next == delimiter || next == UInt8(ascii: "\n") { return }
        if next == UInt8(ascii: "\r") && (position + 1 == end || bytes[position + 1] == UInt8(ascii: "\n")) {
            position += 1
            return
        }
        throw .textAfterQuote(
            field: fieldCount + 1, delimiter: FieldParsing.delimiterName(delimiter, doubled: false),
            found: String(Character(Unicode.Scalar(next))))
    }
}
