/// The columns of an interaction file, each described completely in one place: its names in headers, its
/// field in the headerless MovieLens formats, whether it must be present, and how its fields are parsed and
/// checked. Header detection (``RecordLayout``), both parsers, the ``RowCollector`` and the column options
/// (``ReaderOptions/columnNames``, the `--<name>-column` options of the command line) all follow this list.
package enum InteractionColumn: Int, CaseIterable, Sendable {
    /// The user id.
    case user
    /// The item id.
    case item
    /// The rating; rows below ``ReaderOptions/ratingThreshold`` are dropped.
    case rating

    /// What a field holds, which says how it is parsed and checked.
    package enum Kind: Sendable {
        /// An id: any non-empty text (integers keep their exact text).
        case identifier
        /// A decimal number; the row is kept only when it is at least the reader's threshold.
        case thresholdedNumber
    }

    /// How the column's fields are parsed and checked.
    package var kind: Kind {
        switch self {
        case .user, .item: return .identifier
        case .rating: return .thresholdedNumber
        }
    }

    /// The short name: `user`, `item`, `rating` (in messages, and `--user-column` on the command line).
    package var name: String {
        switch self {
        case .user: return "user"
        case .item: return "item"
        case .rating: return "rating"
        }
    }

    /// What one field holds, in messages: `user id`, `item id`, `rating`.
    var role: String {
        switch self {
        case .user: return "user id"
        case .item: return "item id"
        case .rating: return "rating"
        }
    }

    /// Names tried, in order, in the header of a csv file when no name is given; the first present wins.
    package var defaultNames: [String] {
        switch self {
        case .user: return ["user", "userId", "user_id", "uid"]
        case .item: return ["item", "itemId", "item_id", "movieId", "sid"]
        case .rating: return ["rating"]
        }
    }

    /// The column's name in the MovieLens 20M header `userId,movieId,rating,timestamp`.
    var movieLensName: String {
        switch self {
        case .user: return "userId"
        case .item: return "movieId"
        case .rating: return "rating"
        }
    }

    /// Whether a MovieLens 20M header must have the column.
    var isRequiredInMovieLens: Bool { true }

    /// The 0-based field of the column in the headerless MovieLens formats (`user::item::rating::timestamp`),
    /// or nil when those formats do not read it.
    var positionalField: Int? {
        switch self {
        case .user: return 0
        case .item: return 1
        case .rating: return 2
        }
    }

    /// Whether a csv header must have the column even when no name is given (a named column always must).
    var isRequiredByDefault: Bool { kind == .identifier }
}

extension InteractionColumn {
    /// Checks the trimmed `field` of this column as its ``kind`` says.
    /// - Returns: true to keep the row, false to drop it (a rating below `threshold`), nil when the field is
    ///   unusable (see ``problem(with:name:)``).
    @inline(__always)
    func accepts(_ field: UnsafeBufferPointer<UInt8>, threshold: Double) -> Bool? {
        switch kind {
        case .identifier:
            return field.isEmpty ? nil : true
        case .thresholdedNumber:
            guard let value = FieldParsing.number(field) else { return nil }
            return value >= threshold
        }
    }

    /// What is wrong with a `field` that ``accepts(_:threshold:)`` refused; `name` names the column in messages
    /// (e.g. `column 'rating'`).
    func problem(with field: UnsafeBufferPointer<UInt8>, name: String) -> RowProblem {
        switch kind {
        case .identifier: return .emptyIdentifier(role: role, column: name)
        case .thresholdedNumber: return .notANumber(column: name, found: FieldParsing.quoted(field))
        }
    }
}
