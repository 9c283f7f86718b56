extension CollaborativeFilter {
    /// Recommendations for several users of the fit, in order, from one batched forward pass: `[users.count]`
    /// lists of at most `count` items. Each user's own items are left out unless `excludingSeen` is false;
    /// `allow` (when given) restricts the candidates, `exclude` removes some for every user.
    /// - Throws: ``RecommenderError`` for the first unknown user, or a model saved without its training users.
    public func recommend(
        users: [String], count: Int = 10, allow: [String]? = nil, exclude: [String] = [],
        excludingSeen: Bool = true
    ) throws(RecommenderError) -> [[ScoredItem]] {
        try recommender.recommend(
            users: users, count: count, exclude: excluded(allow: allow, exclude: exclude),
            excludingSeen: excludingSeen
        ).map(\.items)
    }

    /// Recommendations for several new users from the items each touched (fold-in), in order, from one batched
    /// forward pass: `[itemLists.count]` lists of at most `count` items. Each list's own items are left out;
    /// `allow` and `exclude` apply to every list. Unknown ids are ignored.
    public func recommend(
        itemLists: [[String]], count: Int = 10, allow: [String]? = nil, exclude: [String] = []
    ) -> [[ScoredItem]] {
        let excluded = excluded(allow: allow, exclude: exclude)
        let queries = itemLists.map { RecommendationQuery(items: $0, count: count, exclude: excluded) }
        return recommender.recommend(queries).map(\.items)
    }
}
