/// The parser for delimited files with quoted fields: one thread, RFC 4180 rules (see
/// ``QuotedRecordTokenizer``). Produces the same rows as ``DelimitedChunkParser`` would for the same
/// values written without quotes.
struct QuotedFileParser {
    let layout: RecordLayout

    /// Parses the records of `bytes[range]` (`range` starts at a line start, after `linesBefore` lines).
    /// Line numbers in a failure count from the start of `range`.
    func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, linesBefore: Int, into collector: inout RowCollector,
        progress: ReadProgress
    ) -> ChunkOutcome {
        let visible = UnsafeBufferPointer(rebasing: bytes[..<range.upperBound])
        var tokenizer = QuotedRecordTokenizer(
            bytes: visible, delimiter: layout.delimiter, start: range.lowerBound, linesBeforeStart: linesBefore)
        var reported = range.lowerBound
        var row = [UInt8]()
        do {
            while try tokenizer.nextRecord() {
                guard tokenizer.fieldCount >= layout.fieldsNeeded else {
                    return .failed(
                        line: tokenizer.recordLine, problem: .tooFewFields(tokenizer.fieldCount, layout: layout))
                }
                do { try add(tokenizer, row: &row, into: &collector) } catch {
                    return .failed(line: tokenizer.recordLine, problem: error)
                }
                if tokenizer.position - reported >= ReadProgress.reportInterval {
                    progress.advance(by: tokenizer.position - reported)
                    reported = tokenizer.position
                }
            }
        } catch {
            return .failed(line: tokenizer.recordLine, problem: error)
        }
        progress.advance(by: tokenizer.position - reported)
        return .finished(lines: tokenizer.linesPassed)
    }

    /// Hands the tokenizer's record to `collector`: the needed fields are copied one after the other into
    /// `row`, and the collector gets each column's part of it.
    private func add(
        _ tokenizer: QuotedRecordTokenizer, row: inout [UInt8], into collector: inout RowCollector
    ) throws(RowProblem) {
        row.removeAll(keepingCapacity: true)
        var ranges = [Range<Int>?](repeating: nil, count: InteractionColumn.allCases.count)
        for (column, field) in layout.fieldOfColumn.enumerated() {
            guard let field else { continue }
            ranges[column] = row.count..<(row.count + tokenizer.fields[field].count)
            row.append(contentsOf: tokenizer.fields[field])
        }
        try row.withUnsafeBufferPointer { bytes throws(RowProblem) in
            try withUnsafeTemporaryAllocation(
                of: UnsafeBufferPointer<UInt8>.self, capacity: ranges.count
            ) { fields throws(RowProblem) in
                for (column, range) in ranges.enumerated() {
                    fields[column] = UnsafeBufferPointer(rebasing: bytes[range ?? 0..<0])
                }
                try collector.add(fields, userBytesAreStable: false)
            }
        }
    }
}
