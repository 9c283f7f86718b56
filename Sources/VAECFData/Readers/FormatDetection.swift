extension FileLayout {
    /// The format `.auto` resolves to, from the first non-blank line of the file:
    /// - a line with `::` → `movielens-1m`;
    /// - a comma-separated header naming `userId` and `movieId` → `movielens-20m`;
    /// - tab-separated, no header, 3 or 4 numeric fields → `movielens-100k`;
    /// - any other header with a comma, tab or semicolon delimiter → `csv`.
    /// - Throws: ``DataError`` for an empty file or a first line that fits none of these.
    static func detectFormat(_ bytes: UnsafeBufferPointer<UInt8>, path: String) throws(DataError) -> InteractionFormat {
        guard let lineRange = firstLine(bytes, from: contentStart(bytes)) else { throw .emptyFile(file: path) }
        let line = UnsafeBufferPointer(rebasing: bytes[lineRange])
        let lineNumber = lineNumber(of: lineRange.lowerBound, in: bytes)
        let shown = FieldParsing.quoted(line)
        if hasDoubleColon(line) { return .movielens1m }
        guard let delimiter = likelyDelimiter(line) else {
            throw .unknownFormat(
                file: path, line: lineNumber,
                reason: "the first line \(shown) has no comma, tab, semicolon or '::' between fields; expected a "
                    + "MovieLens ratings file (ratings.csv, ratings.dat, u.data) or a delimited file with a header")
        }
        let fields: [String]
        do { fields = try self.fields(of: line, delimiter: delimiter) } catch {
            throw error.error(file: path, line: lineNumber)
        }
        let numeric = fields.allSatisfy { field in
            var text = field
            return text.withUTF8 { FieldParsing.number($0) != nil }
        }
        if numeric {
            if delimiter == UInt8(ascii: "\t") && (fields.count == 3 || fields.count == 4) { return .movielens100k }
            throw .unknownFormat(
                file: path, line: lineNumber,
                reason: "the first line \(shown) looks like data without a header; "
                    + "files separated by \(FieldParsing.delimiterName(delimiter, doubled: false)) need a header "
                    + "naming the user and item columns (headerless files must be MovieLens 'user::item::rating' "
                    + "or tab-separated u.data)")
        }
        if delimiter == UInt8(ascii: ","), fields.contains("userId"), fields.contains("movieId") {
            return .movielens20m
        }
        return .csv
    }

    /// The 1-based line number of byte `offset`.
    static func lineNumber(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var line = 1
        for index in 0..<offset where bytes[index] == UInt8(ascii: "\n") { line += 1 }
        return line
    }

    /// Finds the format (detecting it for `.auto`), reads the header when the format has one and
    /// chooses the field of each ``InteractionColumn``.
    /// - Throws: ``DataError`` for an empty file, an unknown format or a header without the needed columns.
    static func resolve(
        _ bytes: UnsafeBufferPointer<UInt8>, options: ReaderOptions, path: String
    ) throws(DataError) -> FileLayout {
        let start = contentStart(bytes)
        guard let headerRange = firstLine(bytes, from: start) else { throw .emptyFile(file: path) }
        let format = options.format == .auto ? try detectFormat(bytes, path: path) : options.format
        switch format {
        case .movielens1m, .auto:  // `.auto` never gets here: detection always names a format.
            return FileLayout(
                format: .movielens1m, record: .positional(delimiter: UInt8(ascii: ":"), doubled: true),
                dataStart: start, linesBeforeData: 0, hasHeader: false)
        case .movielens100k:
            return FileLayout(
                format: format, record: .positional(delimiter: UInt8(ascii: "\t"), doubled: false),
                dataStart: start, linesBeforeData: 0, hasHeader: false)
        case .movielens20m:
            return try withHeader(
                bytes, start: start, format: format, delimiter: UInt8(ascii: ","), names: { [$0.movieLensName] },
                required: \.isRequiredInMovieLens, path: path)
        case .csv:
            let headerLine = UnsafeBufferPointer(rebasing: bytes[headerRange])
            guard let delimiter = options.delimiter ?? likelyDelimiter(headerLine) else {
                throw .headerWithoutDelimiter(
                    file: path, line: lineNumber(of: headerRange.lowerBound, in: bytes),
                    header: FieldParsing.quoted(headerLine))
            }
            return try withHeader(
                bytes, start: start, format: format, delimiter: delimiter,
                names: { options.columnNames[$0].map { [$0] } ?? $0.defaultNames },
                required: { $0.isRequiredByDefault || options.columnNames[$0] != nil }, path: path)
        }
    }

    private static func withHeader(
        _ bytes: UnsafeBufferPointer<UInt8>, start: Int, format: InteractionFormat, delimiter: UInt8,
        names: (InteractionColumn) -> [String], required: (InteractionColumn) -> Bool, path: String
    ) throws(DataError) -> FileLayout {
        var tokenizer = QuotedRecordTokenizer(bytes: bytes, delimiter: delimiter, start: start)
        let hasHeader: Bool
        do { hasHeader = try tokenizer.nextRecord() } catch {
            throw error.error(file: path, line: tokenizer.recordLine)
        }
        guard hasHeader else { throw .emptyFile(file: path) }
        let header = (0..<tokenizer.fieldCount).map { index in
            tokenizer.fields[index].withUnsafeBufferPointer {
                String(decoding: FieldParsing.trimmed($0), as: UTF8.self)
            }
        }
        let record = try RecordLayout.named(
            header: header, delimiter: delimiter, names: names, required: required, file: path,
            headerLine: tokenizer.recordLine)
        return FileLayout(
            format: format, record: record, dataStart: tokenizer.position,
            linesBeforeData: tokenizer.linesPassed, hasHeader: true)
    }
}
