import Foundation
import VAECF

/// A backend that also answers queries by id: similar items and recommendations for a training user.
/// ``Recommender`` is one; a backend that is not gets a 501 on those endpoints.
package protocol LookupBackend: RecommendationBackend {
    /// The similar items of every query, in order (blocking CPU work).
    func similarItems(_ queries: [SimilarItemsQuery]) throws(RecommenderError) -> [RecommendationResult]
    /// The fold-in query of a training user: their training items, which the answer leaves out.
    func query(forUser user: String, count: Int) throws(RecommenderError) -> RecommendationQuery
}

extension Recommender: LookupBackend {}

/// `GET /v1/items/{id}/similar` answer: the item and its most similar items, best first (cosine scores).
package struct SimilarItemsResponse: Codable, Sendable, Equatable {
    /// The item asked about (original id).
    package var item: String
    /// At most `k` items, best first; `score` is the cosine similarity in `[-1, 1]`.
    package var items: [ScoredItem]

    package init(item: String, items: [ScoredItem]) {
        self.item = item
        self.items = items
    }
}

extension APIError {
    /// The 4xx of a query by id that the model cannot answer.
    init(_ error: RecommenderError) {
        switch error {
        case .unknownItem(let item): self = .unknownItem(item)
        case .unknownUser(let user): self = .unknownUser(user)
        case .noTrainingUsers: self = .noUserHistories
        }
    }
}
