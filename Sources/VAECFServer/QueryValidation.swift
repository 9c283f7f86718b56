import VAECF

/// Turns decoded recommendation requests into queries within the server's limits, with an ``APIError``
/// naming the field for every problem.
struct QueryValidation: Sendable {
    let limits: ServerLimits

    /// A validated query for a model of `itemCount` items; `fieldPrefix` prefixes names in errors
    /// (e.g. `users[3].`).
    func query(
        _ request: RecommendRequest, itemCount: Int, fieldPrefix: String = ""
    ) throws(APIError) -> RecommendationQuery {
        let k = request.k ?? RecommendRequest.defaultK
        guard k >= 1, k <= itemCount else { throw .invalidK(field: fieldPrefix + "k", itemCount: itemCount, got: k) }
        let exclude = request.exclude ?? []
        let total = request.items.count + exclude.count
        guard total <= limits.maxItems else {
            throw .tooManyItems(fieldPrefix: fieldPrefix, count: total, limit: limits.maxItems)
        }
        return RecommendationQuery(items: request.items, count: k, exclude: exclude)
    }

    /// Validated queries of a batch request.
    func queries(_ request: BatchRecommendRequest, itemCount: Int) throws(APIError) -> [RecommendationQuery] {
        guard !request.users.isEmpty else { throw .emptyBatch }
        guard request.users.count <= limits.maxUsersPerRequest else {
            throw .tooManyUsers(count: request.users.count, limit: limits.maxUsersPerRequest)
        }
        var queries = [RecommendationQuery]()
        queries.reserveCapacity(request.users.count)
        for (index, user) in request.users.enumerated() {
            queries.append(try query(user, itemCount: itemCount, fieldPrefix: "users[\(index)]."))
        }
        return queries
    }
}
