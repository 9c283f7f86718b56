import Foundation
import Hummingbird
import Logging
import VAECF

/// The server's state and request handling, independent of sockets: the model in service, the batcher that
/// coalesces requests into forward passes, the metrics and the reloader. ``makeRouter()`` and
/// ``makeAdminRouter()`` expose it over HTTP (see ``RecommendationServer`` for the listening part).
///
/// Call ``shutdown()`` when no more requests will come: it answers those queued and ends the worker thread.
package final class RecommendationService: Sendable {
    package let limits: ServerLimits
    package let metrics: ServerMetrics
    let logger: Logger
    let slot: BackendSlot
    let batcher: RecommendationBatcher
    let reloader: ModelReloader
    let validation: QueryValidation

    /// - Parameters:
    ///   - backend: the model to serve first.
    ///   - path: its file, read again by a reload without a path.
    ///   - loader: loads a model file for reloads; `nil` disables reloading.
    ///   - reloadDirectory: the folder reloads may read from; by default the folder of `path` (the current
    ///     folder without a path).
    package init(
        backend: any RecommendationBackend, path: String? = nil, loader: BackendLoader? = nil,
        reloadDirectory: URL? = nil, limits: ServerLimits = ServerLimits(), metrics: ServerMetrics = ServerMetrics(),
        logger: Logger = Logger(label: "vaecf.server")
    ) {
        self.limits = limits
        self.metrics = metrics
        self.logger = logger
        slot = BackendSlot(backend)
        batcher = RecommendationBatcher(maxBatch: limits.maxBatch, maxWait: limits.maxWaitMilliseconds / 1000) {
            metrics.recordBatch(queries: $0, seconds: $1)
        }
        let directory =
            reloadDirectory
            ?? path.map { URL(fileURLWithPath: $0).deletingLastPathComponent() }
            ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        reloader = ModelReloader(
            slot: slot, path: path, loader: loader, directory: ReloadDirectory(directory),
            metrics: metrics, logger: logger)
        validation = QueryValidation(limits: limits)
        metrics.recordReload(succeeded: true, itemCount: backend.itemCount)
    }

    /// The model in service.
    package var backend: any RecommendationBackend { slot.current.backend }

    /// What `GET /v1/model` and reload answers show of the model in service: its description with the file
    /// name alone, never the folder it was read from.
    package var publicDescription: ModelDescription { Self.withoutFolder(backend.description) }

    static func withoutFolder(_ description: ModelDescription) -> ModelDescription {
        var description = description
        if !description.path.isEmpty { description.path = URL(fileURLWithPath: description.path).lastPathComponent }
        return description
    }

    /// Answers validated queries with the model in service at the time of the call, coalesced with other
    /// requests.
    package func recommend(_ queries: [RecommendationQuery]) async throws(APIError) -> [RecommendationResult] {
        let (backend, generation) = slot.current
        return try await batcher.submit(queries, backend: backend, generation: generation).get()
    }

    /// Loads `path` (or the current file again) in the background and swaps it in; requests in flight
    /// finish on the previous model. On failure the previous model stays in service.
    package func reload(path: String? = nil) async throws(APIError) -> ModelDescription {
        try await reloader.reload(path: path)
    }

    /// Stops taking queries, answers those queued and ends the batcher's thread.
    package func shutdown() { batcher.shutdown() }

    // MARK: Handlers

    /// `POST /v1/recommend`.
    func handleRecommend(
        _ request: Request, context: ServerRequestContext
    ) async throws(APIError) -> RecommendationResult {
        let results = try await answer(request, context: context, as: RecommendRequest.self) {
            (payload, itemCount) throws(APIError) in
            [try validation.query(payload, itemCount: itemCount)]
        }
        return results[0]
    }

    /// `POST /v1/recommend/batch`.
    func handleBatch(
        _ request: Request, context: ServerRequestContext
    ) async throws(APIError) -> BatchRecommendResponse {
        let results = try await answer(request, context: context, as: BatchRecommendRequest.self) {
            (payload, itemCount) throws(APIError) in
            try validation.queries(payload, itemCount: itemCount)
        }
        return BatchRecommendResponse(results: results)
    }

    /// Reads and decodes a recommendation request, validates its queries against the model in service and
    /// answers them through the batcher. The request counts as arriving (the batcher may wait for it) from the
    /// start until its queries are queued or it fails.
    private func answer<Payload: Decodable>(
        _ request: Request, context: ServerRequestContext, as type: Payload.Type,
        queries: (Payload, Int) throws(APIError) -> [RecommendationQuery]
    ) async throws(APIError) -> [RecommendationResult] {
        batcher.beginArrival()
        var submitted = false
        defer { if !submitted { batcher.endArrival() } }
        let payload = try await Self.decodeBody(type, of: request, context: context)
        let (backend, generation) = slot.current
        let validated = try queries(payload, backend.itemCount)
        submitted = true
        return try await batcher.submit(validated, backend: backend, generation: generation, announced: true).get()
    }

    /// `POST /admin/reload` with an optional `{"path": "..."}`.
    func handleReload(_ request: Request, context: ServerRequestContext) async throws(APIError) -> ReloadResponse {
        let payload = try await Self.decodeBody(ReloadRequest.self, of: request, context: context)
        let description = try await reload(path: payload.path)
        return ReloadResponse(status: "reloaded", model: Self.withoutFolder(description))
    }

    /// The request's JSON body, decoded by the context's ``JSONRequestDecoder`` (which throws only
    /// ``APIError``s).
    static func decodeBody<Value: Decodable>(
        _ type: Value.Type, of request: Request, context: ServerRequestContext
    ) async throws(APIError) -> Value {
        do {
            return try await request.decode(as: type, context: context)
        } catch let error as APIError {
            throw error
        } catch {
            throw .unreadableBody(reason: "\(error)")
        }
    }
}
