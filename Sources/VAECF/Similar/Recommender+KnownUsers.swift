extension Recommender {
    /// Recommendations for a user seen in training, by original id: the user's training items (kept in the
    /// model file, `TrainingUsers`) are the fold-in, exactly as ``recommend(_:)`` with those items would use
    /// them.
    ///
    /// - Parameters:
    ///   - user: the user's original id.
    ///   - count: items to return (`<= 0`: none).
    ///   - exclude: further items never returned; unknown ids are reported in ``RecommendationResult/unknown``.
    ///   - excludingSeen: whether the user's training items are left out (the default).
    /// - Throws: ``RecommenderError/noTrainingUsers(model:)`` when the model file keeps no training users,
    ///   ``RecommenderError/unknownUser(_:)`` for an id that is not one of them.
    public func recommend(
        user: String, count: Int, exclude: [String] = [], excludingSeen: Bool = true
    ) throws(RecommenderError) -> RecommendationResult {
        try recommend(users: [user], count: count, exclude: exclude, excludingSeen: excludingSeen)[0]
    }

    /// Recommendations for several training users, in order, in one batched forward pass (blocks of
    /// ``blockRows`` users); the same answers as one ``recommend(user:count:exclude:excludingSeen:)`` call each.
    /// - Throws: as ``recommend(user:count:exclude:excludingSeen:)``, for the first user that cannot be answered.
    public func recommend(
        users: [String], count: Int, exclude: [String] = [], excludingSeen: Bool = true
    ) throws(RecommenderError) -> [RecommendationResult] {
        let extra = catalog.resolve(RecommendationQuery(items: exclude, count: 0))
        var queries = [ResolvedQuery]()
        queries.reserveCapacity(users.count)
        for user in users {
            let foldIn = Array(try trainingItems(ofUser: user))
            let excluded = excludingSeen ? ItemCatalog.sortedUnique(foldIn + extra.foldIn) : extra.foldIn
            queries.append(
                ResolvedQuery(foldIn: foldIn, excluded: excluded, count: max(0, count), unknown: extra.unknown))
        }
        return rank(queries)
    }

    /// The fold-in query of a training user, by original id: their training items (original ids) and `count`;
    /// what a server batches with other queries. Its items are excluded from the answer.
    /// - Throws: as ``recommend(user:count:exclude:excludingSeen:)``.
    public func query(forUser user: String, count: Int) throws(RecommenderError) -> RecommendationQuery {
        let items = try trainingItems(ofUser: user)
        return RecommendationQuery(items: items.map { catalog.identifiers[Int($0)] }, count: count)
    }

    /// Whether users can be asked for by id (the model file keeps its training users).
    public var knowsTrainingUsers: Bool { trainingUsers != nil }

    /// The model's item indices of a training user, ascending.
    private func trainingItems(ofUser user: String) throws(RecommenderError) -> ArraySlice<Int32> {
        guard let trainingUsers else { throw .noTrainingUsers(model: description.path) }
        guard let items = trainingUsers.items(ofUser: user) else { throw .unknownUser(user) }
        return items
    }
}
