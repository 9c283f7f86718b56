import Foundation
import VAECFCore

extension ModelFile {
    /// How the header describes the `TrainingUsers` block after the weights (absent: no block, as in files
    /// written before it existed).
    package struct TrainingUsersHeader: Codable, Sendable, Equatable {
        /// Original id of every training user, in row order.
        package var userIDs: [String]
        /// Total items over all rows (Int32 indices after the `userIDs.count + 1` Int64 offsets).
        package var interactionCount: Int

        package init(_ users: TrainingUsers) {
            userIDs = users.userIDs
            interactionCount = users.rows.nonZeroCount
        }
    }

    /// Bytes of the training users' block that `header` announces (0 without one), checked to fit in
    /// `fileSize` with arithmetic that cannot overflow.
    /// - Throws: ``ModelFileError`` when the counts are negative or larger than the file.
    static func trainingUsersByteCount(of header: Header, fileSize: Int, path: String) throws(ModelFileError) -> Int {
        guard let block = header.trainingUsers else { return 0 }
        let users = block.userIDs.count
        guard block.interactionCount >= 0, users < fileSize / 8, block.interactionCount <= fileSize / 4,
            (users + 1) * 8 + block.interactionCount * 4 <= fileSize
        else {
            throw .truncated(
                path: path, size: fileSize,
                expected: "the rows of \(users) training users with \(block.interactionCount) items")
        }
        return (users + 1) * 8 + block.interactionCount * 4
    }

    /// The training users' block at `offset` of `bytes` (its size already checked), validated like the rest of
    /// the file: offsets from 0, never decreasing, ending at the item count; item indices in range, ascending and
    /// unique within a row; user ids unique.
    /// - Throws: ``ModelFileError`` naming the first inconsistency.
    static func decodeTrainingUsers(
        _ bytes: UnsafeRawBufferPointer, from offset: Int, header: Header, path: String
    ) throws(ModelFileError) -> TrainingUsers? {
        guard let block = header.trainingUsers else { return nil }
        let users = block.userIDs.count
        let rowOffsets = (0...users).map { row in
            Int(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + row * 8, as: Int64.self)))
        }
        let indexStart = offset + (users + 1) * 8
        let columnIndices = (0..<block.interactionCount).map { entry in
            Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: indexStart + entry * 4, as: Int32.self))
        }
        do {
            let rows = try CSRMatrix(
                rowCount: users, columnCount: header.model.itemCount, rowOffsets: rowOffsets,
                columnIndices: columnIndices)
            return try TrainingUsers(userIDs: block.userIDs, rows: rows)
        } catch {
            throw .inconsistentTrainingUsers(path: path, problem: "\(error)")
        }
    }

    /// The training users' block as written: row offsets (Int64 LE), then item indices (Int32 LE).
    static func encodedTrainingUsers(_ users: TrainingUsers) -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(users.binaryByteCount)
        for offset in users.rows.rowOffsets { withUnsafeBytes(of: Int64(offset).littleEndian) { bytes += $0 } }
        for index in users.rows.columnIndices { withUnsafeBytes(of: index.littleEndian) { bytes += $0 } }
        return bytes
    }
}
