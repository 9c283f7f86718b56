/// Where the user, item and rating fields are in each data line of a file, and how lines are split.
struct RecordLayout: Sendable {
    /// Field delimiter byte.
    var delimiter: UInt8
    /// True when the delimiter is the byte written twice (`::` of MovieLens 1M).
    var doubledDelimiter: Bool
    /// 0-based field index of the user id.
    var userField: Int
    /// 0-based field index of the item id.
    var itemField: Int
    /// 0-based field index of the rating, or nil when every row counts.
    var ratingField: Int?
    /// Names of the fields in messages, e.g. `column 'userId'` or `field 1 (user id)`.
    var userName: String
    var itemName: String
    var ratingName: String

    /// Number of fields a line needs: up to the last of the user, item and rating fields.
    var fieldsNeeded: Int { max(userField, itemField, ratingField ?? 0) + 1 }

    /// The name of the last needed field, for "too few fields" messages.
    var lastNeededName: String {
        let last = fieldsNeeded - 1
        if last == ratingField { return ratingName }
        return last == itemField ? itemName : userName
    }

    /// The layout of a format without header: user, item, rating in fields 1, 2, 3.
    static func positional(delimiter: UInt8, doubled: Bool) -> RecordLayout {
        RecordLayout(
            delimiter: delimiter, doubledDelimiter: doubled, userField: 0, itemField: 1, ratingField: 2,
            userName: "field 1 (user id)", itemName: "field 2 (item id)", ratingName: "field 3 (rating)")
    }

    /// The layout of a file with `header`, choosing columns by name.
    /// - Parameters:
    ///   - userNames: names tried in order for the user column; the first present wins.
    ///   - ratingNames: names tried for the rating column; `ratingRequired` says whether one must exist.
    /// - Throws: a message naming what is missing and listing the columns found.
    static func named(
        header: [String], delimiter: UInt8, userNames: [String], itemNames: [String],
        ratingNames: [String], ratingRequired: Bool, file: String, headerLine: Int
    ) throws(DataError) -> RecordLayout {
        let shownColumns = 12
        let found =
            header.prefix(shownColumns).map { "'\(FieldParsing.shortened($0))'" }.joined(separator: ", ")
            + (header.count > shownColumns ? ", ... (\(header.count) columns)" : "")
        func locate(_ names: [String], role: String) throws(DataError) -> Int {
            if let index = column(in: header, named: names) { return index }
            let wanted =
                names.count == 1
                ? "column '\(FieldParsing.shortened(names[0]))'"
                : "\(role) column (tried \(names.map { "'\(FieldParsing.shortened($0))'" }.joined(separator: ", ")))"
            throw DataError(
                file: file, line: headerLine,
                message: "the header has no \(wanted); columns found: \(found)")
        }
        let user = try locate(userNames, role: "user")
        let item = try locate(itemNames, role: "item")
        var rating: Int? = nil
        if ratingRequired {
            rating = try locate(ratingNames, role: "rating")
        } else {
            rating = column(in: header, named: ratingNames)
        }
        return RecordLayout(
            delimiter: delimiter, doubledDelimiter: false, userField: user, itemField: item, ratingField: rating,
            userName: "column '\(FieldParsing.shortened(header[user]))'",
            itemName: "column '\(FieldParsing.shortened(header[item]))'",
            ratingName: rating.map { "column '\(FieldParsing.shortened(header[$0]))'" } ?? "")
    }

    /// Index of the first of `names` in `header`: an exact match, or else one ignoring case.
    static func column(in header: [String], named names: [String]) -> Int? {
        for name in names {
            if let index = header.firstIndex(of: name) { return index }
            let lowered = name.lowercased()
            if let index = header.firstIndex(where: { $0.lowercased() == lowered }) { return index }
        }
        return nil
    }
}
