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
    case failed(line: Int, problem: RowProblem)
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
        guard bytes.baseAddress != nil, !range.isEmpty else { return .finished(lines: 0) }
        return layout.columnOfField.withUnsafeBufferPointer { columnOfField in
            withUnsafeTemporaryAllocation(
                of: UnsafeBufferPointer<UInt8>.self, capacity: InteractionColumn.allCases.count
            ) { fields in
                parseLines(
                    bytes, range: range, columnOfField: columnOfField, fields: fields, into: &collector, progress)
            }
        }
    }

    /// ``parse(_:range:into:progress:)`` with `columnOfField` from the layout and room for one row's `fields`.
    private func parseLines(
        _ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, columnOfField: UnsafeBufferPointer<Int>,
        fields: RowCollector.Fields, into collector: inout RowCollector, _ progress: ReadProgress
    ) -> ChunkOutcome {
        guard let base = bytes.baseAddress else { return .finished(lines: 0) }
        let end = base + range.upperBound
        let delimiter = layout.delimiter
        let doubled = layout.doubledDelimiter
        let fieldsNeeded = columnOfField.count
        let newline = UInt8(ascii: "\n")
        let carriageReturn = UInt8(ascii: "\r")
        let reporting = progress.isActive
        var reported = base + range.lowerBound
        var cursor = base + range.lowerBound
        var line = 0
        // Fields of absent columns stay empty; the others are set on every line (a line has all needed fields).
        for column in 0..<fields.count { fields[column] = UnsafeBufferPointer<UInt8>(start: cursor, count: 0) }
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
                let column = columnOfField[fieldCount]
                if column >= 0 { fields[column] = UnsafeBufferPointer(start: fieldStart, count: scan - fieldStart) }
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
                return .failed(line: line, problem: .tooFewFields(fieldCount, layout: layout))
            }
            // The last field of a CRLF line ends with "\r"; only a needed field ending at the line end can.
            if lineEnd > cursor && lineEnd[-1] == carriageReturn {
                for column in 0..<fields.count
                where fields[column].baseAddress.map({ $0 + fields[column].count }) == lineEnd {
                    fields[column] = Self.dropLast(fields[column])
                }
            }
            do {
                try collector.add(fields, userBytesAreStable: true)
            } catch {
                return .failed(line: line, problem: error)
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
