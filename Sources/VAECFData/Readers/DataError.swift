import Foundation

/// A problem with an input or output file, e.g.
/// `ratings.csv:17: expected a number in column 'rating', found 'abc'`.
///
/// Each case carries the file, the 1-based line when the problem is at a line, and what was expected.
public enum DataError: Error, CustomStringConvertible, LocalizedError, Equatable, Sendable {
    // MARK: Files

    /// The file cannot be opened (`reason`: the system's message).
    case cannotOpen(file: String, reason: String)
    /// The file cannot be read or mapped (`reason`: why, e.g. `it is a folder`).
    case cannotRead(file: String, reason: String)
    /// A file that `neededBy` requires does not exist.
    case missingFile(file: String, neededBy: String)
    /// A folder that should hold `expected` does not exist.
    case missingFolder(file: String, expected: String)
    /// A folder was given where a file was expected (`expected` says which).
    case isFolder(file: String, expected: String)
    /// `what` (e.g. `the dataset`) cannot be written to the file.
    case cannotWrite(file: String, what: String, reason: String)
    /// The folder `what` (e.g. `the pro_sg folder`) cannot be created.
    case cannotCreateFolder(file: String, what: String, reason: String)

    // MARK: Packaging

    /// The input is binary, not text (`reason`: what it looks like).
    case notText(file: String, reason: String)
    /// The gzip file cannot be decompressed.
    case damagedGzip(file: String, reason: String)
    /// The zip archive cannot be opened.
    case cannotOpenArchive(file: String, reason: String)
    /// An entry of the zip archive cannot be extracted.
    case damagedArchiveEntry(file: String, entry: String, reason: String)
    /// The zip archive holds several files (`entries`, the first ones) and none has one of the `expected` names.
    case noRatingsInArchive(file: String, fileCount: Int, entries: [String], expected: [String])

    // MARK: Interaction files

    /// The file holds no line.
    case emptyFile(file: String)
    /// The first line fits no known format (`reason` says what it looks like and what was expected).
    case unknownFormat(file: String, line: Int, reason: String)
    /// The csv header (quoted excerpt) has no comma, tab or semicolon.
    case headerWithoutDelimiter(file: String, line: Int, header: String)
    /// The header lacks the `role` column: none of the `tried` names is among `columns`.
    case missingColumn(file: String, line: Int, role: String, tried: [String], columns: [String])
    /// A line has `found` fields where `expected` are needed (up to the field named `lastNeeded`).
    case tooFewFields(file: String, line: Int, expected: Int, found: Int, delimiter: String, lastNeeded: String)
    /// The `role` id (e.g. `user id`) in `column` is empty.
    case emptyIdentifier(file: String, line: Int, role: String, column: String)
    /// `column` holds `found` (a quoted excerpt) where a number was expected.
    case notANumber(file: String, line: Int, column: String, found: String)
    /// A quoted field that starts on `startLine` is never closed.
    case unclosedQuote(file: String, line: Int, startLine: Int)
    /// Text (`found`) follows the closing quote of field `field` where the delimiter or the line end belongs.
    case textAfterQuote(file: String, line: Int, field: Int, delimiter: String, found: String)
    /// The file has no data rows.
    case noDataRows(file: String, hasHeader: Bool)
    /// No row of the `rowsRead` has a rating at or above `threshold` in `column`.
    case nothingAboveThreshold(file: String, threshold: Double, column: String, rowsRead: Int)

    // MARK: Split

    /// A split setting is out of range: it must be `expected`, not `found`.
    case invalidSplitSetting(file: String, setting: String, expected: String, found: String)
    /// Only `users` users have `minimumInteractions` interactions; the split needs `needed`.
    case tooFewUsers(file: String, users: Int, minimumInteractions: Int, heldOut: Int)
    /// The `part` (validation or test) of the split would be empty, because `reason`.
    case emptySplitPart(file: String, part: String, reason: String)
    /// The interaction table is inconsistent (a programming error upstream).
    case inconsistentTable(file: String, reason: String)

    // MARK: pro_sg folders

    /// A line does not have the `expected` form.
    case malformedLine(file: String, line: Int, expected: String, found: String)
    /// The largest uid is far beyond the number of pairs: uids are not dense.
    case sparseUserIDs(file: String, largest: Int, pairs: Int)
    /// A uid appears in two of the train, validation and test files (`owner` is the first one).
    case duplicateUser(file: String, line: Int, uid: Int, owner: String)
    /// A sid is not below the number of items of `listFile`.
    case itemOutOfRange(file: String, line: Int, sid: Int, itemCount: Int, listFile: String)
    /// The user list is shorter than the largest uid used.
    case userListTooShort(file: String, listed: Int, largestUID: Int)
    /// An id that cannot be written on a line of its own (empty or holding a line break).
    case unwritableIdentifier(file: String, line: Int, identifier: String)

    // MARK: Binary files

    /// The file does not start with the dataset magic bytes.
    case notADataset(file: String)
    /// The file is shorter than a dataset (`byteCount` when known; `declaredByteCount` from its preamble).
    case truncated(file: String, byteCount: Int?, declaredByteCount: UInt64?)
    /// The dataset has format version `found`; this build reads `supported`.
    case unsupportedVersion(file: String, found: UInt32, supported: UInt32)
    /// The stored checksum does not match the bytes.
    case checksumMismatch(file: String, stored: UInt64, computed: UInt64)
    /// The stored fingerprint does not match the content.
    case fingerprintMismatch(file: String, stored: UInt64, computed: UInt64)
    /// The file's structure is broken (`reason` says where).
    case corrupted(file: String, reason: String)
    /// A stored matrix breaks the sparse-matrix invariants.
    case inconsistentMatrix(file: String, matrix: String, reason: String)
    /// The file is no vaecf file: it starts with none of the magic bytes of `knownKinds`.
    case notAVAECFFile(file: String, knownKinds: String, looksLikeText: Bool)
    /// A model file or checkpoint cannot be read (`reason`: the model reader's message).
    case unreadableModel(file: String, reason: String)
}
