#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How parsing one chunk ended.
enum ChunkOutcome {
    /// Every line parsed; `lines` lines (blank ones included) were in the chunk.
    case finished(lines: Int)
    /// A problem at the chunk's `line`-th line (1-based, counted from the chunk's start).
    case failed(line: Int, message: String)
}

/// The fast parser for files without quoted fields: splits each line at single delimiter bytes (or
/// doubled ones, `::`), takes the needed fields as byte ranges of the mapped file and hands them to a
/// ``RowCollector``. It never allocates per line.
struct DelimitedChunkParser {
    let layout: RecordLayout

    /// Parses the lines of `bytes[range]`; `range` starts at a line start and ends after a line end
    /// (or at the end of the file).
    func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, into collector: inout RowCollector,
        progress: ReadProgress
    ) -> ChunkOutcome {
        guard let base = bytes.baseAddress, !range.isEmpty else { return .finished(lines: 0) }
        let end = base + range.upperBound
        let delimiter = layout.delimiter
        let doubled = layout.doubledDelimiter
        let userField = layout.userField
        let itemField = layout.itemField
        let ratingField = layout.ratingField ?? -1
        let fieldsNeeded = layout.fieldsNeeded
        let newline = UInt8(ascii: "\n")
        let carriageReturn = UInt8(ascii: "\r")
        let reporting = progress.isActive
        var reported = base + range.lowerBound
        var cursor = base + range.lowerBound
        var line = 0
        let empty = UnsafeBufferPointer<UInt8>(start: cursor, count: 0)
        while cursor < end {
            line += 1
            if cursor[0] == newline {
                cursor += 1
                continue
            }
            if cursor[0] == carriageReturn && (cursor + 1 == end || cursor[1] == newline) {
                cursor += min(2, end - cursor)
                continue
            }
            var user = empty
            var item = empty
            var rating = empty
            var fieldCount = 0
            var fieldStart = cursor
            var scan = cursor
            var lineEnd = end
            while true {
                while scan < end && scan[0] != delimiter && scan[0] != newline { scan += 1 }
                if doubled && scan < end && scan[0] == delimiter && (scan + 1 == end || scan[1] != delimiter) {
                    scan += 1
                    continue
                }
                let field = UnsafeBufferPointer(start: fieldStart, count: scan - fieldStart)
                if fieldCount == userField {
                    user = field
                } else if fieldCount == itemField {
                    item = field
                } else if fieldCount == ratingField {
                    rating = field
                }
                fieldCount += 1
                if scan == end || scan[0] == newline {
                    lineEnd = scan
                    break
                }
                scan += doubled ? 2 : 1
                fieldStart = scan
                if fieldCount == fieldsNeeded {
                    if let found = memchr(scan, Int32(newline), end - scan) {
                        lineEnd = UnsafePointer(found.assumingMemoryBound(to: UInt8.self))
                    }
                    break
                }
            }
            if fieldCount < fieldsNeeded {
                let shown = FieldParsing.delimiterName(delimiter, doubled: doubled)
                return .failed(
                    line: line,
                    message: "expected at least \(fieldsNeeded) fields separated by \(shown) (up to "
                        + "\(layout.lastNeededName)), found \(fieldCount)")
            }
            // The last field of a CRLF line ends with "\r"; only a needed field ending at the line end can.
            if lineEnd > cursor && lineEnd[-1] == carriageReturn {
                if user.baseAddress.map({ $0 + user.count }) == lineEnd { user = Self.dropLast(user) }
                if item.baseAddress.map({ $0 + item.count }) == lineEnd { item = Self.dropLast(item) }
                if rating.baseAddress.map({ $0 + rating.count }) == lineEnd { rating = Self.dropLast(rating) }
            }
            do {
                try collector.add(user: user, item: item, rating: rating, userBytesAreStable: true)
            } catch {
                return .failed(line: line, message: error.message)
            }
            cursor = lineEnd + (lineEnd < end ? 1 : 0)
            if reporting && cursor - reported >= ReadProgress.reportInterval {
                progress.advance(by: cursor - reported)
                reported = cursor
            }
        }
        if reporting { progress.advance(by: cursor - reported) }
        return .finished(lines: line)
    }

    @inline(__always)
    private static func dropLast(_ field: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: field.dropLast())
    }
}
