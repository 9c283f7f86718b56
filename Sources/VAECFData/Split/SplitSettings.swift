/// The parameters of the paper's split protocol (Liang et al. 2018, and the preprocessing of the
/// reference Mult-VAE / NVIDIA VAE-CF code). The defaults are the reference values.
package struct SplitSettings: Sendable, Codable, Equatable {
    /// Users with fewer distinct items (after the item filter) are dropped. Reference: 5.
    package var minimumUserInteractions: Int
    /// Items with fewer distinct users are dropped before the user filter. Reference: 0 (no filter).
    package var minimumItemInteractions: Int
    /// Number of validation users, and also of test users. Reference: 10,000 for MovieLens-20M.
    package var heldOutUsers: Int
    /// Share of a held-out user's items that goes to the held-out (`_te`) part. Reference: 0.2.
    package var testFraction: Double
    /// Seed of the `RandomSource` that shuffles users and picks held-out items. Reference: 98765.
    package var seed: UInt64

    /// Held-out users with fewer items than this keep all of them in the fold-in part (reference: 5).
    package static let minimumItemsToHoldOut = 5

    package init(
        minimumUserInteractions: Int = 5, minimumItemInteractions: Int = 0, heldOutUsers: Int = 10_000,
        testFraction: Double = 0.2, seed: UInt64 = 98765
    ) {
        self.minimumUserInteractions = minimumUserInteractions
        self.minimumItemInteractions = minimumItemInteractions
        self.heldOutUsers = heldOutUsers
        self.testFraction = testFraction
        self.seed = seed
    }

    /// The settings as the key-value pairs stored in ``InteractionDataset/settings``.
    package var keyValues: [String: String] {
        [
            SettingKey.minimumUserInteractions: String(minimumUserInteractions),
            SettingKey.minimumItemInteractions: String(minimumItemInteractions),
            SettingKey.heldOutUsers: String(heldOutUsers),
            SettingKey.testFraction: String(testFraction),
            SettingKey.seed: String(seed),
        ]
    }

    /// Checks that the values make sense.
    /// - Throws: ``DataError`` naming `source` and the offending value.
    package func validate(source: String) throws(DataError) {
        guard minimumUserInteractions >= 0 else {
            throw DataError.invalidSplitSetting(
                file: source, setting: "minimum number of interactions per user", expected: ">= 0",
                found: "\(minimumUserInteractions)")
        }
        guard minimumItemInteractions >= 0 else {
            throw DataError.invalidSplitSetting(
                file: source, setting: "minimum number of interactions per item", expected: ">= 0",
                found: "\(minimumItemInteractions)")
        }
        guard heldOutUsers >= 1 else {
            throw DataError.invalidSplitSetting(
                file: source, setting: "number of held-out users",
                expected: "at least 1 (the validation and test parts would be empty)", found: "\(heldOutUsers)")
        }
        guard testFraction > 0, testFraction < 1 else {
            throw DataError.invalidSplitSetting(
                file: source, setting: "held-out fraction", expected: "in (0, 1)", found: "\(testFraction)")
        }
    }
}

/// Keys of ``InteractionDataset/settings`` written by the data pipeline.
package enum SettingKey {
    /// How the dataset was made: `mult-vae-split` or `pro-sg-import`.
    package static let protocolName = "protocol"
    /// File name of the input (ratings file or pro_sg folder).
    package static let source = "source"
    /// Input format (`movielens-20m`, ...).
    package static let format = "format"
    /// Rating threshold applied by the reader.
    package static let ratingThreshold = "ratingThreshold"
    /// Data rows of the input file, before the threshold.
    package static let inputRows = "inputRows"
    /// Rows kept by the threshold (duplicates included).
    package static let positiveRows = "positiveRows"
    /// ``SplitSettings/minimumUserInteractions``.
    package static let minimumUserInteractions = "minimumUserInteractions"
    /// ``SplitSettings/minimumItemInteractions``.
    package static let minimumItemInteractions = "minimumItemInteractions"
    /// ``SplitSettings/heldOutUsers``.
    package static let heldOutUsers = "heldOutUsers"
    /// ``SplitSettings/testFraction``.
    package static let testFraction = "testFraction"
    /// ``SplitSettings/seed``.
    package static let seed = "seed"
}
