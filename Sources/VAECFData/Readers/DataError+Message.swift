import Foundation

extension DataError {
    /// The file at fault.
    public var file: String {
        switch self {
        case .cannotOpen(let file, _), .cannotRead(let file, _), .missingFile(let file, _),
            .missingFolder(let file, _), .isFolder(let file, _), .cannotWrite(let file, _, _),
            .cannotCreateFolder(let file, _, _), .notText(let file, _), .damagedGzip(let file, _),
            .cannotOpenArchive(let file, _), .damagedArchiveEntry(let file, _, _),
            .noRatingsInArchive(let file, _, _, _), .emptyFile(let file), .unknownFormat(let file, _, _),
            .headerWithoutDelimiter(let file, _, _), .missingColumn(let file, _, _, _, _),
            .tooFewFields(let file, _, _, _, _, _), .emptyIdentifier(let file, _, _, _),
            .notANumber(let file, _, _, _), .unclosedQuote(let file, _, _), .textAfterQuote(let file, _, _, _, _),
            .noDataRows(let file, _), .nothingAboveThreshold(let file, _, _, _),
            .invalidSplitSetting(let file, _, _, _), .tooFewUsers(let file, _, _, _),
            .emptySplitPart(let file, _, _), .inconsistentTable(let file, _), .malformedLine(let file, _, _, _),
            .sparseUserIDs(let file, _, _), .duplicateUser(let file, _, _, _), .itemOutOfRange(let file, _, _, _, _),
            .userListTooShort(let file, _, _), .unwritableIdentifier(let file, _, _), .notADataset(let file),
            .truncated(let file, _, _), .unsupportedVersion(let file, _, _), .checksumMismatch(let file, _, _),
            .fingerprintMismatch(let file, _, _), .corrupted(let file, _), .inconsistentMatrix(let file, _, _),
            .notAVAECFFile(let file, _, _), .unreadableModel(let file, _):
            return file
        }
    }

    /// The 1-based line of the problem, when it is at a line.
    public var line: Int? {
        switch self {
        case .unknownFormat(_, let line, _), .headerWithoutDelimiter(_, let line, _),
            .missingColumn(_, let line, _, _, _), .tooFewFields(_, let line, _, _, _, _),
            .emptyIdentifier(_, let line, _, _), .notANumber(_, let line, _, _), .unclosedQuote(_, let line, _),
            .textAfterQuote(_, let line, _, _, _), .malformedLine(_, let line, _, _), .duplicateUser(_, let line, _, _),
            .itemOutOfRange(_, let line, _, _, _), .unwritableIdentifier(_, let line, _):
            return line
        default:
            return nil
        }
    }

    /// `file:line: message`, or `file: message` without a line.
    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }

    /// The same text as ``description``.
    public var errorDescription: String? { description }

    /// What was wrong and what was expected, without the file and line.
    public var message: String {
        switch self {
        case .cannotOpen(_, let reason): return "cannot open the file: \(reason)"
        case .cannotRead(_, let reason): return "cannot read the file: \(reason)"
        case .missingFile(_, let neededBy): return "missing file (\(neededBy) needs it)"
        case .missingFolder(_, let expected): return "no such folder (expected \(expected))"
        case .isFolder(_, let expected): return "is a folder; \(expected)"
        case .cannotWrite(_, let what, let reason): return "cannot write \(what): \(reason)"
        case .cannotCreateFolder(_, let what, let reason): return "cannot create \(what): \(reason)"
        case .notText(_, let reason):
            return "not a text file: \(reason); expected a ratings file as text, gzip (.gz) or zip"
        case .damagedGzip(_, let reason): return "cannot decompress the gzip file: \(reason)"
        case .cannotOpenArchive(_, let reason): return "cannot open the zip archive: \(reason)"
        case .damagedArchiveEntry(_, let entry, let reason): return "cannot extract \(entry): \(reason)"
        case .noRatingsInArchive(_, let count, let entries, let expected):
            let more = count > entries.count ? ", ..." : ""
            return "the zip archive holds \(count) files (\(entries.joined(separator: ", "))\(more)) and none is "
                + "\(expected.joined(separator: ", ")); extract the ratings file and give its path"
        default: return interactionMessage ?? datasetMessage
        }
    }

    /// The message of an interaction-file or split case, nil for the others.
    private var interactionMessage: String? {
        switch self {
        case .emptyFile: return "the file is empty"
        case .unknownFormat(_, _, let reason): return "cannot detect the format: \(reason)"
        case .headerWithoutDelimiter(_, _, let header):
            return "the header \(header) has no comma, tab or semicolon; expected a header naming the user and "
                + "item columns"
        case .missingColumn(_, _, let role, let tried, let columns):
            return "the header has no \(Self.wanted(role: role, tried: tried)); columns found: "
                + Self.listed(columns)
        case .tooFewFields(_, _, let expected, let found, let delimiter, let lastNeeded):
            return
                "expected at least \(expected) fields separated by \(delimiter) (up to \(lastNeeded)), found \(found)"
        case .emptyIdentifier(_, _, let role, let column): return "empty \(role) in \(column)"
        case .notANumber(_, _, let column, let found): return "expected a number in \(column), found \(found)"
        case .unclosedQuote(_, _, let startLine):
            return "a quoted field that starts on line \(startLine) is never closed"
        case .textAfterQuote(_, _, let field, let delimiter, let found):
            return "expected \(delimiter) or the end of the line after the closing quote of field \(field), "
                + "found '\(found)'"
        case .noDataRows(_, let hasHeader):
            return hasHeader ? "the file has a header but no data rows" : "the file has no data rows"
        case .nothingAboveThreshold(_, let threshold, let column, let rowsRead):
            return "no row has a rating >= \(threshold) (the rating threshold in \(column)); \(rowsRead) rows read"
        case .invalidSplitSetting(_, let setting, let expected, let found):
            return "the \(setting) must be \(expected), not \(found)"
        case .tooFewUsers(_, let users, let minimum, let heldOut):
            return "only \(users) users have at least \(minimum) interactions, but the split needs at least "
                + "\(2 * heldOut + 1) (\(heldOut) validation users, \(heldOut) test users and one training user); "
                + "lower the number of held-out users (--heldout-users)"
        case .emptySplitPart(_, let part, let reason):
            return "the \(part) part of the split would be empty (\(reason)); use more held-out users "
                + "(--heldout-users) or more data"
        case .inconsistentTable(_, let reason): return "inconsistent interaction table: \(reason)"
        default: return nil
        }
    }

    /// The message of a pro_sg, dataset or vaecf-file case.
    private var datasetMessage: String {
        switch self {
        case .malformedLine(_, _, let expected, let found): return "expected \(expected), found \(found)"
        case .sparseUserIDs(_, let largest, let pairs):
            return "uid \(largest) is far beyond the \(pairs) pairs of the folder; pro_sg uids must be dense "
                + "numbers 0, 1, 2, ..."
        case .duplicateUser(_, _, let uid, let owner):
            return "uid \(uid) already belongs to the users of \(owner); the train, validation and test users "
                + "must be disjoint"
        case .itemOutOfRange(_, _, let sid, let count, let listFile):
            return "sid \(sid) is out of range: \(listFile) lists \(count) items (0 ..< \(count))"
        case .userListTooShort(_, let listed, let largest): return "lists \(listed) users, but uid \(largest) is used"
        case .unwritableIdentifier(_, _, let identifier):
            return "cannot write the id '\(identifier)': ids must be non-empty and hold no line break"
        case .notADataset: return "not a vaecf dataset file (it does not start with the dataset magic bytes)"
        case .truncated(_, let byteCount, let declared):
            guard let byteCount else { return "truncated: too short for a vaecf dataset" }
            guard let declared else { return "truncated: \(byteCount) bytes, too short for a vaecf dataset" }
            return "truncated: the file has \(byteCount) bytes, its preamble says \(declared)"
        case .unsupportedVersion(_, let found, let supported):
            return "unsupported dataset format version \(found); this build of vaecf reads version \(supported) "
                + "(prepare the dataset again)"
        case .checksumMismatch(_, let stored, let computed):
            return "corrupted: checksum mismatch (stored \(Self.hex(stored)), computed \(Self.hex(computed)))"
        case .fingerprintMismatch(_, let stored, let computed):
            return "corrupted: the stored fingerprint \(Self.hex(stored)) does not match the content "
                + "(\(Self.hex(computed)))"
        case .corrupted(_, let reason): return "corrupted: \(reason)"
        case .inconsistentMatrix(_, let matrix, let reason): return "inconsistent \(matrix) matrix: \(reason)"
        case .notAVAECFFile(_, let known, let looksLikeText):
            let hint =
                looksLikeText
                ? "; it looks like a text file (a ratings file is turned into a dataset with `vaecf prepare`)" : ""
            return "not a vaecf file: it does not start with the magic bytes of any known kind (\(known))\(hint)"
        case .unreadableModel(_, let reason): return reason
        default: return ""
        }
    }

    /// `column 'name'` for one tried name, else `role column (tried 'a', 'b')`.
    private static func wanted(role: String, tried: [String]) -> String {
        if tried.count == 1 { return "column '\(FieldParsing.shortened(tried[0]))'" }
        return "\(role) column (tried \(tried.map { "'\(FieldParsing.shortened($0))'" }.joined(separator: ", ")))"
    }

    /// The first 12 header columns, quoted and shortened, then `... (N columns)` when there are more.
    private static func listed(_ columns: [String]) -> String {
        let shown = 12
        return columns.prefix(shown).map { "'\(FieldParsing.shortened($0))'" }.joined(separator: ", ")
            + (columns.count > shown ? ", ... (\(columns.count) columns)" : "")
    }

    private static func hex(_ value: UInt64) -> String { InteractionDataset.hex(value) }
}
