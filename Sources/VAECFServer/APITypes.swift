import VAECF

/// `POST /v1/recommend` body: `{"items": ["..."], "k": 20, "exclude": ["..."]}`; also one element of a
/// batch request's `users`.
package struct RecommendRequest: Codable, Sendable, Equatable {
    /// Items the user touched (original ids).
    package var items: [String]
    /// How many items to return, `1...itemCount`; ``defaultK`` when absent.
    package var k: Int?
    /// Further items never to recommend.
    package var exclude: [String]?

    /// `k` when the request names none.
    package static let defaultK = 20

    package init(items: [String], k: Int? = nil, exclude: [String]? = nil) {
        self.items = items
        self.k = k
        self.exclude = exclude
    }

    private enum CodingKeys: String, CodingKey { case items, k, exclude }

    /// Decodes like the synthesized initializer, but a `k` that is not an integer (`2.5`, `"5"`) is a type
    /// mismatch at `k` rather than a generic data error, so the client learns which field is wrong.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        items = try container.decode([String].self, forKey: .items)
        exclude = try container.decodeIfPresent([String].self, forKey: .exclude)
        if container.contains(.k), try !container.decodeNil(forKey: .k) {
            guard let value = try? container.decode(Int.self, forKey: .k) else {
                throw DecodingError.typeMismatch(
                    Int.self,
                    DecodingError.Context(
                        codingPath: container.codingPath + [CodingKeys.k], debugDescription: "k must be an integer"))
            }
            k = value
        }
    }
}

/// `POST /v1/recommend/batch` body: `{"users": [<RecommendRequest>, ...]}`.
package struct BatchRecommendRequest: Codable, Sendable, Equatable {
    package var users: [RecommendRequest]

    package init(users: [RecommendRequest]) { self.users = users }
}

/// `POST /v1/recommend/batch` answer: one ``RecommendationResult`` per user, in order.
package struct BatchRecommendResponse: Codable, Sendable, Equatable {
    package var results: [RecommendationResult]

    package init(results: [RecommendationResult]) { self.results = results }
}

/// `GET /healthz` answer: `{"status": "ok"}`.
package struct HealthResponse: Codable, Sendable, Equatable {
    package var status: String

    package init(status: String) { self.status = status }
}

/// `POST /admin/reload` body (optional): `{"path": "..."}`; without a path the current file is read again.
package struct ReloadRequest: Codable, Sendable, Equatable {
    package var path: String?

    package init(path: String? = nil) { self.path = path }
}

/// `POST /admin/reload` answer: the model now in service.
package struct ReloadResponse: Codable, Sendable, Equatable {
    package var status: String
    package var model: ModelDescription

    package init(status: String, model: ModelDescription) {
        self.status = status
        self.model = model
    }
}
