import Foundation
import VAECFCore

/// The training users' rows kept in a model file, so that a user seen in training can be asked for by id
/// (``Recommender/recommend(user:count:exclude:excludingSeen:)``) without sending their items again.
///
/// Stored after the weight blocks of a ``ModelFile``: the ids in the JSON header, then the CSR
/// row offsets (`[users + 1]` Int64, little endian) and item indices (`[interactions]` Int32, little endian).
package struct TrainingUsers: Sendable, Equatable {
    /// Original id of every training user, `[users]`, each once.
    package let userIDs: [String]
    /// Their items, `[users, items]`: row `u` holds the model's item indices of user `userIDs[u]`.
    package let rows: CSRMatrix
    /// Row of every user id.
    let rowByUserID: [String: Int]

    /// The rows `rows` of the users `userIDs` (one id per row, ids unique).
    package init(userIDs: [String], rows: CSRMatrix) throws(TrainingUsersError) {
        guard userIDs.count == rows.rowCount else {
            throw .countMismatch(userIDs: userIDs.count, rows: rows.rowCount)
        }
        var map = [String: Int](minimumCapacity: userIDs.count)
        for (row, identifier) in userIDs.enumerated() {
            guard map.updateValue(row, forKey: identifier) == nil else { throw .duplicateUserID(identifier) }
        }
        self.userIDs = userIDs
        self.rows = rows
        rowByUserID = map
    }

    /// Number of users.
    package var count: Int { userIDs.count }

    /// The model's item indices of the user `identifier` (ascending), or `nil` for an id not seen in training.
    package func items(ofUser identifier: String) -> ArraySlice<Int32>? {
        guard let row = rowByUserID[identifier] else { return nil }
        return rows.columnIndices[rows.rowOffsets[row]..<rows.rowOffsets[row + 1]]
    }

    /// Bytes these rows add to a model file: the ids in the header (JSON, about their length plus 3 each)
    /// and the binary CSR.
    package var binaryByteCount: Int { (rows.rowCount + 1) * 8 + rows.nonZeroCount * 4 }

    package static func == (lhs: TrainingUsers, rhs: TrainingUsers) -> Bool {
        lhs.userIDs == rhs.userIDs && lhs.rows == rhs.rows
    }
}

/// Training users that cannot be kept together.
package enum TrainingUsersError: Error, Equatable, LocalizedError, CustomStringConvertible {
    /// The ids and the rows differ in number.
    case countMismatch(userIDs: Int, rows: Int)
    /// A user id appears twice.
    case duplicateUserID(String)

    package var description: String {
        switch self {
        case .countMismatch(let userIDs, let rows): "\(userIDs) user ids for \(rows) rows of items"
        case .duplicateUserID(let identifier): "the user id \"\(identifier)\" appears twice"
        }
    }

    package var errorDescription: String? { description }
}
