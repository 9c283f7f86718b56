/// The structure of an interaction file found before parsing its rows: where the data begins, which
/// format it has, and the ``RecordLayout`` of its lines.
struct FileLayout {
    /// The resolved format (never `.auto`).
    var format: InteractionFormat
    /// How data lines are split.
    var record: RecordLayout
    /// Byte offset of the first data line.
    var dataStart: Int
    /// Lines before `dataStart` (the header and blank lines before it).
    var linesBeforeData: Int
    /// True when the file has a header line.
    var hasHeader: Bool

    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Offset just past a UTF-8 byte order mark, or 0 without one.
    static func contentStart(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        bytes.count >= 3 && Array(bytes[0..<3]) == byteOrderMark ? 3 : 0
    }

    /// The range of the first line that is not blank (without its line end), or nil when there is none.
    static func firstLine(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Range<Int>? {
        var lower = start
        while lower < bytes.count && (bytes[lower] == UInt8(ascii: "\n") || bytes[lower] == UInt8(ascii: "\r")) {
            lower += 1
        }
        guard lower < bytes.count else { return nil }
        var upper = lower
        while upper < bytes.count && bytes[upper] != UInt8(ascii: "\n") { upper += 1 }
        if upper > lower && bytes[upper - 1] == UInt8(ascii: "\r") { upper -= 1 }
        return lower..<upper
    }

    /// The most frequent of comma, tab and semicolon outside quotes in `line` (ties in that order),
    /// or nil when it has none of them.
    static func likelyDelimiter(_ line: UnsafeBufferPointer<UInt8>) -> UInt8? {
        let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: ";")]
        var counts = [0, 0, 0]
        var quoted = false
        for byte in line {
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if quoted { continue }
            if let index = candidates.firstIndex(of: byte) { counts[index] += 1 }
        }
        guard let best = counts.max(), best > 0, let index = counts.firstIndex(of: best) else { return nil }
        return candidates[index]
    }

    /// The fields of the single line `line` split at `delimiter` (quote-aware, spaces trimmed).
    static func fields(of line: UnsafeBufferPointer<UInt8>, delimiter: UInt8) throws(RowProblem) -> [String] {
        var tokenizer = QuotedRecordTokenizer(bytes: line, delimiter: delimiter, start: 0)
        guard try tokenizer.nextRecord() else { return [] }
        return (0..<tokenizer.fieldCount).map { index in
            tokenizer.fields[index].withUnsafeBufferPointer {
                String(decoding: FieldParsing.trimmed($0), as: UTF8.self)
            }
        }
    }

    /// Whether `line` contains the two bytes `::`.
    static func hasDoubleColon(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard line.count >= 2 else { return false }
        for offset in 0..<(line.count - 1)
        where line[offset] == UInt8(ascii: ":") && line[offset + 1] == UInt8(ascii: ":") {
            return true
        }
        return false
    }
}
