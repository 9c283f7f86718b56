import Foundation
import VAECFCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads interaction files (MovieLens ratings files or any delimited file with a header) into an
/// ``InteractionTable``.
///
/// The file is mapped into memory and cut into one chunk per thread at line boundaries; each thread
/// parses its chunk's bytes by hand into chunk-local id maps, and the maps are merged in chunk order, so
/// ids appear in file order and the table is the same for every thread count. Files with quoted fields
/// go through a single-threaded RFC 4180 parser.
///
/// Lines may end in `\n` or `\r\n`; a UTF-8 byte order mark, blank lines and spaces around fields are
/// ignored. Integer ids keep their exact text (`007` and `7` are different ids).
package enum InteractionReader {
    /// Reads `url` in the given format: a text file, a gzip file of one, or a zip archive holding a ratings
    /// file (see ``InputBytes``).
    ///
    /// `progress(bytesDone, bytesTotal)` is called now and then, from any thread, one call at a time,
    /// with non-decreasing `bytesDone`.
    /// - Throws: ``DataError`` naming the file, the line and what was expected.
    package static func read(
        _ url: URL, options: ReaderOptions, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws(DataError) -> InteractionTable {
        let file = try InputBytes.open(path: url.path)
        let path = file.displayPath
        // The mapping (or decompressed buffer) must outlive every use of `bytes`.
        defer { withExtendedLifetime(file) {} }
        let bytes = file.bytes
        let layout = try FileLayout.resolve(bytes, options: options, path: path)
        let reporter = ReadProgress(total: bytes.count, callback: progress)
        reporter.advance(by: layout.dataStart)
        let executor = ParallelExecutor(threadCount: max(1, options.threadCount))
        let dataRange = layout.dataStart..<bytes.count
        let needsQuoting = layout.hasHeader && containsQuote(bytes, range: dataRange, executor: executor)
        let chunks =
            needsQuoting ? [dataRange] : lineAlignedChunks(bytes, range: dataRange, count: executor.threadCount)

        var collectors = chunks.map {
            RowCollector(layout: layout.record, threshold: options.ratingThreshold, expectedRows: $0.count / 32)
        }
        var outcomes = [ChunkOutcome](repeating: .finished(lines: 0), count: chunks.count)
        collectors.withUnsafeMutableBufferPointer { collectorSlots in
            outcomes.withUnsafeMutableBufferPointer { outcomeSlots in
                executor.forEach(count: chunks.count) { chunk in
                    if needsQuoting {
                        outcomeSlots[chunk] = QuotedFileParser(layout: layout.record).parse(
                            bytes, range: chunks[chunk], linesBefore: layout.linesBeforeData,
                            into: &collectorSlots[chunk], progress: reporter)
                    } else {
                        outcomeSlots[chunk] = DelimitedChunkParser(layout: layout.record).parse(
                            bytes, range: chunks[chunk], into: &collectorSlots[chunk], progress: reporter)
                    }
                }
            }
        }
        var linesBefore = layout.linesBeforeData
        for outcome in outcomes {
            switch outcome {
            case .finished(let lines): linesBefore += lines
            case .failed(let line, let problem): throw problem.error(file: path, line: linesBefore + line)
            }
        }
        let table = merge(collectors, executor: executor)
        try checkNotEmpty(table, layout: layout, options: options, path: path)
        reporter.finish()
        return table
    }

    /// The format `auto` resolves to for this file, from its first non-blank line: a line with `::` is
    /// `movielens-1m`; a comma-separated header naming `userId` and `movieId` is `movielens-20m`; 3 or 4
    /// tab-separated numbers without header are `movielens-100k`; any other header with comma, tab or
    /// semicolon delimiters is `csv`.
    /// - Throws: ``DataError`` when the file cannot be read, is empty or fits no format.
    package static func detectFormat(_ url: URL) throws(DataError) -> InteractionFormat {
        // A compressed file is decompressed only as far as the first lines.
        let file = try InputBytes.open(path: url.path, prefix: 1 << 20)
        defer { withExtendedLifetime(file) {} }
        return try FileLayout.detectFormat(file.bytes, path: file.displayPath)
    }

    /// Throws when the file has no data rows or no row passes the rating threshold.
    private static func checkNotEmpty(
        _ table: InteractionTable, layout: FileLayout, options: ReaderOptions, path: String
    ) throws(DataError) {
        if table.rowsRead == 0 { throw .noDataRows(file: path, hasHeader: layout.hasHeader) }
        if table.users.isEmpty {
            throw .nothingAboveThreshold(
                file: path, threshold: options.ratingThreshold, column: layout.record.name(of: .rating),
                rowsRead: table.rowsRead)
        }
    }

    /// Whether `bytes[range]` holds a `"` byte (searched in parallel).
    private static func containsQuote(
        _ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, executor: ParallelExecutor
    ) -> Bool {
        guard let base = bytes.baseAddress, !range.isEmpty else { return false }
        var found = [Bool](repeating: false, count: executor.threadCount)
        found.withUnsafeMutableBufferPointer { slots in
            executor.forEachChunk(count: range.count, minimumChunk: 1 << 20) { chunk, part in
                slots[chunk] =
                    memchr(base + range.lowerBound + part.lowerBound, Int32(UInt8(ascii: "\"")), part.count) != nil
            }
        }
        return found.contains(true)
    }

    /// `range` cut into `count` consecutive parts (some possibly empty) that each start at a line start.
    static func lineAlignedChunks(_ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, count: Int) -> [Range<Int>] {
        guard let base = bytes.baseAddress, count > 1, !range.isEmpty else { return [range] }
        var starts = [range.lowerBound]
        for chunk in 1..<count {
            let nominal = range.lowerBound + range.count * chunk / count
            var start = max(nominal, starts[chunk - 1])
            if start > range.lowerBound && start < range.upperBound && bytes[start - 1] != UInt8(ascii: "\n") {
                if let newline = memchr(base + start, Int32(UInt8(ascii: "\n")), range.upperBound - start) {
                    start = base.distance(to: newline.assumingMemoryBound(to: UInt8.self)) + 1
                } else {
                    start = range.upperBound
                }
            }
            starts.append(start)
        }
        starts.append(range.upperBound)
        return (0..<count).map { starts[$0]..<starts[$0 + 1] }
    }
}
