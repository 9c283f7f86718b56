import Hummingbird

extension RecommendationService {
    /// The public API:
    ///
    /// - `POST /v1/recommend`: ``RecommendRequest`` -> ``RecommendationResult``;
    /// - `POST /v1/recommend/batch`: ``BatchRecommendRequest`` -> ``BatchRecommendResponse``;
    /// - `GET /healthz`: ``HealthResponse``; `GET /v1/model`: ``ModelDescription``;
    /// - `GET /metrics`: Prometheus text.
    ///
    /// Unknown paths get a 404 and other methods on these paths a 405, both with an ``APIError`` body;
    /// `HEAD` works wherever `GET` does.
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(options: .autoGenerateHeadEndpoints)
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: JSONErrorMiddleware(metrics: metrics))
        router.get("/healthz") { _, _ in try Self.json(HealthResponse(status: "ok")) }
        router.get("/v1/model") { _, _ in try Self.json(self.backend.description) }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: self.metrics.render())))
        }
        router.post("/v1/recommend") { request, _ in try await self.handleRecommend(request) }
        router.post("/v1/recommend/batch") { request, _ in try await self.handleBatch(request) }
        Self.refuseOtherMethods(
            router, routes: ["/healthz": [.get], "/v1/model": [.get], "/metrics": [.get],
                             "/v1/recommend": [.post], "/v1/recommend/batch": [.post]])
        return router
    }

    /// The operator's API, to be bound to loopback only: `POST /admin/reload` (optional ``ReloadRequest``)
    /// -> ``ReloadResponse``, or 422 naming the load error while the old model stays in service;
    /// `GET /healthz`.
    public func makeAdminRouter() -> Router<BasicRequestContext> {
        let router = Router(options: .autoGenerateHeadEndpoints)
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: JSONErrorMiddleware(metrics: metrics))
        router.get("/healthz") { _, _ in try Self.json(HealthResponse(status: "ok")) }
        router.post("/admin/reload") { request, _ in try await self.handleReload(request) }
        Self.refuseOtherMethods(router, routes: ["/healthz": [.get], "/admin/reload": [.post]])
        return router
    }

    /// Registers a 405 answer for every common method a route does not serve (`HEAD` is served with `GET`).
    static func refuseOtherMethods(_ router: Router<BasicRequestContext>, routes: [String: [HTTPRequest.Method]]) {
        let methods: [HTTPRequest.Method] = [.get, .head, .post, .put, .delete, .patch, .options]
        for (path, allowed) in routes {
            for method in methods where !allowed.contains(method) && !(method == .head && allowed.contains(.get)) {
                router.on(RouterPath(path), method: method) { (request: Request, _: BasicRequestContext) -> Response in
                    throw APIError.methodNotAllowed(request.method, path: path, allowed: allowed)
                }
            }
        }
    }
}
