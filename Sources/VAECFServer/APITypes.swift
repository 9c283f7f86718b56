import VAECF

/// `POST /v1/recommend` body: `{"items": ["..."], "k": 20, "exclude": ["..."]}`; also one element of a
/// batch request's `users`.
public struct RecommendRequest: Codable, Sendable, Equatable {
    /// Items the user touched (original ids).
    public var items: [String]
    /// How many items to return, `1...itemCount`; ``defaultK`` when absent.
    public var k: Int?
    /// Further items never to recommend.
    public var exclude: [String]?

    /// `k` when the request names none.
    public static let defaultK = 20

    public init(items: [String], k: Int? = nil, exclude: [String]? = nil) {
        self.items = items
        self.k = k
        self.exclude = exclude
    }

    private enum CodingKeys: String, CodingKey { case items, k, exclude }

    /// Decodes like the synthesized initializer, but a `k` that is not an integer (`2.5`, `"5"`) is a type
    /// mismatch at `k` rather than a generic data error, so the client learns which field is wrong.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        items = try container.decode([String].self, forKey: .items)
        exclude = try container.decodeIfPresent([String].self, forKey: .exclude)
        if container.contains(.k), try !container.decodeNil(forKey: .k) {
            guard let value = try? container.decode(Int.self, forKey: .k) else {
                throw DecodingError.typeMismatch(Int.self, DecodingError.Context(
                    codingPath: container.codingPath + [CodingKeys.k], debugDescription: "k must be an integer"))
            }
            k = value
        }
    }
}

/// `POST /v1/recommend/batch` body: `{"users": [<RecommendRequest>, ...]}`.
public struct BatchRecommendRequest: Codable, Sendable, Equatable {
    public var users: [RecommendRequest]

    public init(users: [RecommendRequest]) { self.users = users }
}

/// `POST /v1/recommend/batch` answer: one ``RecommendationResult`` per user, in order.
public struct BatchRecommendResponse: Codable, Sendable, Equatable {
    public var results: [RecommendationResult]

    public init(results: [RecommendationResult]) { self.results = results }
}

/// `GET /healthz` answer: `{"status": "ok"}`.
public struct HealthResponse: Codable, Sendable, Equatable {
    public var status: String

    public init(status: String) { self.status = status }
}

/// `POST /admin/reload` body (optional): `{"path": "..."}`; without a path the current file is read again.
public struct ReloadRequest: Codable, Sendable, Equatable {
    public var path: String?

    public init(path: String? = nil) { self.path = path }
}

/// `POST /admin/reload` answer: the model now in service.
public struct ReloadResponse: Codable, Sendable, Equatable {
    public var status: String
    public var model: ModelDescription

    public init(status: String, model: ModelDescription) {
        self.status = status
        self.model = model
    }
}
