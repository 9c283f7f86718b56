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
    /// Any delimited file with a header; the columns (``InteractionColumn``) are chosen by name.
    case csv
}

/// How ``InteractionReader`` reads a file.
package struct ReaderOptions: Sendable {
    /// The file format; `.auto` detects it.
    package var format: InteractionFormat = .auto
    /// csv: the header name of each column given by name; the others use ``InteractionColumn/defaultNames``
    /// (the first present; an absent rating column means every row is kept).
    package var columnNames: [InteractionColumn: String] = [:]
    /// Rows with `rating >= ratingThreshold` are kept.
    package var ratingThreshold: Double = 3.5
    /// csv: the field delimiter; `nil` detects comma, tab or semicolon from the header.
    package var delimiter: UInt8? = nil
    /// Number of parsing threads; the result does not depend on it.
    package var threadCount: Int = ParallelExecutor.defaultThreadCount

    package init() {}

    /// csv: name of the user id column (``columnNames`` of ``InteractionColumn/user``).
    package var userColumn: String? {
        get { columnNames[.user] }
        set { columnNames[.user] = newValue }
    }
    /// csv: name of the item id column (``columnNames`` of ``InteractionColumn/item``).
    package var itemColumn: String? {
        get { columnNames[.item] }
        set { columnNames[.item] = newValue }
    }
    /// csv: name of the rating column (``columnNames`` of ``InteractionColumn/rating``).
    package var ratingColumn: String? {
        get { columnNames[.rating] }
        set { columnNames[.rating] = newValue }
    }
}
