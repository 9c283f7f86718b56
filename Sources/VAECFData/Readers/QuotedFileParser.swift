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
        let fieldsNeeded = layout.fieldsNeeded
        let ratingField = layout.ratingField
        var reported = range.lowerBound
        do {
            while try tokenizer.nextRecord() {
                guard tokenizer.fieldCount >= fieldsNeeded else {
                    let shown = FieldParsing.delimiterName(layout.delimiter, doubled: false)
                    return .failed(
                        line: tokenizer.recordLine,
                        message: "expected at least \(fieldsNeeded) fields separated by \(shown) (up to "
                            + "\(layout.lastNeededName)), found \(tokenizer.fieldCount)")
                }
                let ratingBytes = ratingField.map { tokenizer.fields[$0] } ?? []
                do {
                    try tokenizer.fields[layout.userField].withUnsafeBufferPointer { user throws(RowProblem) in
                        try tokenizer.fields[layout.itemField].withUnsafeBufferPointer { item throws(RowProblem) in
                            try ratingBytes.withUnsafeBufferPointer { rating throws(RowProblem) in
                                try collector.add(user: user, item: item, rating: rating, userBytesAreStable: false)
                            }
                        }
                    }
                } catch {
                    return .failed(line: tokenizer.recordLine, message: error.message)
                }
                if tokenizer.position - reported >= ReadProgress.reportInterval {
                    progress.advance(by: tokenizer.position - reported)
                    reported = tokenizer.position
                }
            }
        } catch {
            return .failed(line: tokenizer.recordLine, message: error.message)
        }
        progress.advance(by: tokenizer.position - reported)
        return .finished(lines: tokenizer.linesPassed)
    }
}
