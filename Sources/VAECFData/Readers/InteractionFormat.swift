import VAECFCore

/// Interaction file formats. `auto` detects the format from the first line and the file name.
package enum InteractionFormat: String, CaseIterable, Sendable {
    /// Detect the format with ``InteractionReader/detectFormat(_:)``.
    case auto
    /// `ratings.csv` of MovieLens 20M / 25M / latest: header `userId,movieId,rating,timestamp`.
    case movielens20m = "movielens-20m"
    /// `ratings.dat` of MovieLens 1M / 10M: `user::item::rating::timestamp`, no header.
    case movielens1m = "movielens-1m"
    /// `u.data` of MovieLens 100K: `user \t item \t rating \t timestamp`, no header.
    case movielens100k = "movielens-100k"
    /// Any delimited file with a header; the user, item and (optional) rating columns are chosen by name.
    case csv
}

/// How ``InteractionReader`` reads a file.
package struct ReaderOptions: Sendable {
    /// The file format; `.auto` detects it.
    package var format: InteractionFormat = .auto
    /// csv: name of the user id column (default: the first of `user`, `userId`, `user_id`, `uid`).
    package var userColumn: String? = nil
    /// csv: name of the item id column (default: the first of `item`, `itemId`, `item_id`, `movieId`, `sid`).
    package var itemColumn: String? = nil
    /// csv: name of the rating column (default: `rating` when the header has it; without one every row is kept).
    package var ratingColumn: String? = nil
    /// Rows with `rating >= ratingThreshold` are kept.
    package var ratingThreshold: Double = 3.5
    /// csv: the field delimiter; `nil` detects comma, tab or semicolon from the header.
    package var delimiter: UInt8? = nil
    /// Number of parsing threads; the result does not depend on it.
    package var threadCount: Int = ParallelExecutor.defaultThreadCount

    package init() {}

    /// Names tried, in order, for the user column of a csv file when ``userColumn`` is `nil`.
    package static let defaultUserColumns = ["user", "userId", "user_id", "uid"]
    /// Names tried, in order, for the item column of a csv file when ``itemColumn`` is `nil`.
    package static let defaultItemColumns = ["item", "itemId", "item_id", "movieId", "sid"]
    /// Name of the rating column of a csv file when ``ratingColumn`` is `nil` (used only if present).
    package static let defaultRatingColumn = "rating"
}
