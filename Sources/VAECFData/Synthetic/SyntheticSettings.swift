import Foundation

/// The shape of a synthetic interaction data set made by ``SyntheticInteractions``.
///
/// Items belong to one (sometimes two) of `topics` topics and have power-law popularity; users prefer one to
/// `maximumTopicsPerUser` topics and have log-normally distributed activity. Each interaction comes from one
/// of the user's topics with probability `topicalProbability`, and otherwise from global popularity, so a
/// collaborative-filtering model can learn far more than a most-popular ranking. The same settings always
/// give the same interactions.
package struct SyntheticSettings: Sendable, Codable, Equatable {
    /// Number of users; every one gets at least `minimumInteractionsPerUser` interactions.
    package var users: Int
    /// Number of items (the catalogue); the table lists those that received at least one interaction.
    package var items: Int
    /// Target total number of interactions; per-user counts are scaled to reach it approximately
    /// (the per-user minimum and maximum can keep it from being reached exactly).
    package var interactions: Int
    /// Number of latent topics; at most `items`.
    package var topics: Int
    /// Seed of every random choice.
    package var seed: UInt64
    /// Exponent `s` of the popularity law: the item of popularity rank `r` (from 1) has weight `r^-s`.
    package var popularityExponent: Double
    /// Probability that an interaction is drawn from one of the user's topics rather than by global popularity.
    package var topicalProbability: Double
    /// Users prefer between 1 and this many topics (uniformly; never more than `topics`), with Dirichlet(1)
    /// weights.
    package var maximumTopicsPerUser: Int
    /// Probability that an item belongs to a second topic as well.
    package var secondTopicProbability: Double
    /// Standard deviation of the logarithm of user activity (log-normal activity levels).
    package var activitySpread: Double
    /// Fewest interactions of any user (5 keeps every user through the paper's `>= 5` filter).
    package var minimumInteractionsPerUser: Int
    /// Most interactions of any user, as a share of `items`.
    package var maximumUserShare: Double

    /// Creates settings; `topics` defaults to ``defaultTopicCount(items:)``.
    package init(
        users: Int, items: Int, interactions: Int, topics: Int? = nil, seed: UInt64 = 0,
        popularityExponent: Double = 1.0, topicalProbability: Double = 0.85, maximumTopicsPerUser: Int = 3,
        secondTopicProbability: Double = 0.2, activitySpread: Double = 0.8, minimumInteractionsPerUser: Int = 5,
        maximumUserShare: Double = 0.5
    ) {
        self.users = users
        self.items = items
        self.interactions = interactions
        self.topics = topics ?? Self.defaultTopicCount(items: items)
        self.seed = seed
        self.popularityExponent = popularityExponent
        self.topicalProbability = topicalProbability
        self.maximumTopicsPerUser = maximumTopicsPerUser
        self.secondTopicProbability = secondTopicProbability
        self.activitySpread = activitySpread
        self.minimumInteractionsPerUser = minimumInteractionsPerUser
        self.maximumUserShare = maximumUserShare
    }

    /// The built-in data of the README's demo: 6,000 users, 2,000 items, about 300,000 interactions in
    /// 40 topics. Small enough for Mult-VAE to train useful epochs in well under a minute on two cores,
    /// with enough topical structure that it beats a most-popular ranking clearly.
    package static let `default` = SyntheticSettings(users: 6_000, items: 2_000, interactions: 300_000)

    /// One topic per 50 items, at least 1.
    package static func defaultTopicCount(items: Int) -> Int { max(1, items / 50) }

    /// The largest number of interactions of one user.
    package var maximumInteractionsPerUser: Int {
        max(minimumInteractionsPerUser, Int((Double(items) * maximumUserShare).rounded(.down)))
    }

    /// Checks that the settings describe a data set that can be generated.
    /// - Throws: ``SyntheticSettingsError`` naming the first setting out of range.
    package func validate() throws(SyntheticSettingsError) {
        func check(_ condition: Bool, _ name: String, _ expected: String) throws(SyntheticSettingsError) {
            if !condition { throw .outOfRange(setting: name, expected: expected) }
        }
        try check(users >= 1 && users <= Int(Int32.max), "users", "between 1 and \(Int32.max)")
        try check(minimumInteractionsPerUser >= 1, "minimumInteractionsPerUser", "at least 1")
        try check(maximumUserShare > 0 && maximumUserShare <= 1, "maximumUserShare", "in (0, 1]")
        try check(
            items >= 2 * minimumInteractionsPerUser && items <= Int(Int32.max), "items",
            "at least \(2 * minimumInteractionsPerUser) (twice the per-user minimum) and at most \(Int32.max)")
        try check(
            Double(minimumInteractionsPerUser) <= Double(items) * maximumUserShare, "maximumUserShare",
            "large enough that users can have \(minimumInteractionsPerUser) interactions")
        try check(interactions >= 0, "interactions", "not negative")
        try check(topics >= 1 && topics <= items, "topics", "between 1 and the number of items (\(items))")
        try check(popularityExponent >= 0 && popularityExponent.isFinite, "popularityExponent", "a finite number >= 0")
        try check(topicalProbability >= 0 && topicalProbability <= 1, "topicalProbability", "in [0, 1]")
        try check(maximumTopicsPerUser >= 1, "maximumTopicsPerUser", "at least 1")
        try check(secondTopicProbability >= 0 && secondTopicProbability <= 1, "secondTopicProbability", "in [0, 1]")
        try check(activitySpread >= 0 && activitySpread.isFinite, "activitySpread", "a finite number >= 0")
    }
}

/// Synthetic settings that cannot be generated.
package enum SyntheticSettingsError: Error, CustomStringConvertible, LocalizedError, Equatable {
    /// The setting named `setting` is out of range; it should be `expected`.
    case outOfRange(setting: String, expected: String)

    package var description: String {
        switch self {
        case .outOfRange(let setting, let expected):
            return "invalid synthetic data setting \(setting): expected \(expected)"
        }
    }

    package var errorDescription: String? { description }
}
