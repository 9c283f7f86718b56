import Foundation
import Hummingbird
import VAECF

extension RecommendationService {
    /// `GET /v1/items/{id}/similar?k=N`: ``SimilarItemsResponse`` (404 `unknown_item`, 400 `invalid_k`).
    func handleSimilar(
        _ request: Request, context: ServerRequestContext
    ) async throws(APIError) -> SimilarItemsResponse {
        let item = Self.pathParameter("id", context: context)
        let backend = try lookupBackend()
        let k = try Self.parameterK(request, itemCount: backend.itemCount)
        let started = DispatchTime.now().uptimeNanoseconds
        let result = await Self.offEventLoop { () throws(RecommenderError) in
            try backend.similarItems([SimilarItemsQuery(item: item, count: k)])[0]
        }
        metrics.recordSimilarItems(seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        switch result {
        case .success(let answer): return SimilarItemsResponse(item: item, items: answer.items)
        case .failure(let error): throw APIError(error)
        }
    }

    /// `GET /v1/users/{id}/recommendations?k=N`: ``RecommendationResult`` for a training user, batched with the
    /// other recommendation requests (404 `unknown_user` or `no_user_histories`, 400 `invalid_k`).
    func handleUserRecommendations(
        _ request: Request, context: ServerRequestContext
    ) async throws(APIError) -> RecommendationResult {
        let user = Self.pathParameter("id", context: context)
        let (backend, generation) = slot.current
        guard let lookup = backend as? any LookupBackend else { throw .lookupUnsupported }
        let k = try Self.parameterK(request, itemCount: lookup.itemCount)
        let query: RecommendationQuery
        do { query = try lookup.query(forUser: user, count: k) } catch { throw APIError(error) }
        let results = try await batcher.submit([query], backend: backend, generation: generation).get()
        return results[0]
    }

    /// The backend in service as a ``LookupBackend``, or 501.
    private func lookupBackend() throws(APIError) -> any LookupBackend {
        guard let lookup = backend as? any LookupBackend else { throw .lookupUnsupported }
        return lookup
    }

    /// A path parameter, percent-decoded (the router matches the raw path).
    static func pathParameter(_ name: String, context: some RequestContext) -> String {
        let raw = context.parameters.get(name) ?? ""
        return raw.removingPercentEncoding ?? raw
    }

    /// The `k` query parameter: ``RecommendRequest/defaultK`` when absent; 400 `invalid_k` unless an integer
    /// in `1...itemCount`.
    static func parameterK(_ request: Request, itemCount: Int) throws(APIError) -> Int {
        guard let text = request.uri.queryParameters.get("k") else { return min(RecommendRequest.defaultK, itemCount) }
        guard let k = Int(text), k >= 1, k <= itemCount else {
            throw .invalidKParameter(given: text, itemCount: itemCount)
        }
        return k
    }

    /// Runs blocking work on a global dispatch queue, never on an event loop.
    static func offEventLoop<Value: Sendable>(
        _ work: @escaping @Sendable () throws(RecommenderError) -> Value
    ) async -> Result<Value, RecommenderError> {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Result { () throws(RecommenderError) in try work() })
            }
        }
    }
}
