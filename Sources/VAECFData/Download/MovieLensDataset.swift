import Foundation

/// The MovieLens releases that `vaecf download` knows: where they live, how they are laid out, and the
/// split defaults that suit their size.
package enum MovieLensDataset: String, CaseIterable, Sendable {
    /// MovieLens 20M (138,493 users, 27,278 movies, 20,000,263 ratings), the paper's main benchmark.
    case movieLens20M = "movielens-20m"
    /// MovieLens 1M (6,040 users, 3,706 movies, 1,000,209 ratings).
    case movieLens1M = "movielens-1m"
    /// MovieLens 100K (943 users, 1,682 movies, 100,000 ratings).
    case movieLens100K = "movielens-100k"

    /// The archive's file name on the GroupLens server, e.g. `ml-20m.zip`.
    package var archiveName: String { "\(folderName).zip" }

    /// The top folder inside the archive, e.g. `ml-20m`.
    package var folderName: String {
        switch self {
        case .movieLens20M: "ml-20m"
        case .movieLens1M: "ml-1m"
        case .movieLens100K: "ml-100k"
        }
    }

    /// Path of the ratings file inside the archive.
    package var ratingsPath: String {
        switch self {
        case .movieLens20M: "ml-20m/ratings.csv"
        case .movieLens1M: "ml-1m/ratings.dat"
        case .movieLens100K: "ml-100k/u.data"
        }
    }

    /// The reader format of the ratings file.
    package var format: InteractionFormat {
        switch self {
        case .movieLens20M: .movielens20m
        case .movieLens1M: .movielens1m
        case .movieLens100K: .movielens100k
        }
    }

    /// MD5 of the official archive, as GroupLens publishes it in `<archive>.md5` (checked against
    /// several independent sources); used in addition to that file when downloading from the official address.
    package var officialMD5: String {
        switch self {
        case .movieLens20M: "cd245b17a1ae2cc31bb14903e1204af3"
        case .movieLens1M: "c4d9eecfca2ab87c1945afe126590906"
        case .movieLens100K: "0e33842e24a9c977be4e0107933c0723"
        }
    }

    /// Validation users, and as many test users, of the prepared split: 10,000 for 20M as in the paper;
    /// about a tenth of the users for the small releases (600 of 6,040; 100 of 943).
    package var defaultHeldOutUsers: Int {
        switch self {
        case .movieLens20M: 10_000
        case .movieLens1M: 600
        case .movieLens100K: 100
        }
    }

    /// File name of the prepared dataset, e.g. `movielens-20m.vaecf`.
    package var datasetFileName: String { "\(rawValue).\(DatasetFile.fileExtension)" }
}
