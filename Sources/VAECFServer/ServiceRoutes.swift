import Hummingbird

extension RecommendationService {
    /// The package API:
    ///
    /// - `POST /v1/recommend`: ``RecommendRequest`` -> ``RecommendationResult``;
    /// - `POST /v1/recommend/batch`: ``BatchRecommendRequest`` -> ``BatchRecommendResponse``;
    /// - `GET /v1/items/{id}/similar?k=N`: ``SimilarItemsResponse`` (the item's most similar items, cosine);
    /// - `GET /v1/users/{id}/recommendations?k=N`: ``RecommendationResult`` for a user seen in training (the model
    ///   file must keep its training users), their training items left out;
    /// - `GET /healthz`: ``HealthResponse``; `GET /v1/model`: ``ModelDescription``;
    /// - `GET /metrics`: Prometheus text.
    ///
    /// Unknown paths get a 404 and any other method on these paths (`TRACE`, `CONNECT`, made-up ones) a 405,
    /// both with an ``APIError`` body; `HEAD` works wherever `GET` does.
    package func makeRouter() -> Router<ServerRequestContext> {
        let router = Router(context: ServerRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(
            middleware: JSONErrorMiddleware(
                metrics: metrics,
                allowedMethods: [
                    "/healthz": [.get, .head], "/v1/model": [.get, .head], "/metrics": [.get, .head],
                    "/v1/recommend": [.post], "/v1/recommend/batch": [.post],
                    "/v1/items/{id}/similar": [.get, .head], "/v1/users/{id}/recommendations": [.get, .head],
                ]))
        router.add(middleware: BodyLimitMiddleware(maxBodyBytes: limits.maxBodyBytes))
        router.get("/healthz") { _, _ in HealthResponse(status: "ok") }
        router.get("/v1/model") { _, _ in self.publicDescription }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: self.metrics.render())))
        }
        router.post("/v1/recommend") { request, context in try await self.handleRecommend(request, context: context) }
        router.post("/v1/recommend/batch") { request, context in try await self.handleBatch(request, context: context) }
        router.get("/v1/items/{id}/similar") { request, context in
            try await self.handleSimilar(request, context: context)
        }
        router.get("/v1/users/{id}/recommendations") { request, context in
            try await self.handleUserRecommendations(request, context: context)
        }
        return router
    }

    /// The operator's API, to be bound to loopback only: `POST /admin/reload` (optional ``ReloadRequest``)
    /// -> ``ReloadResponse`` (paths inside the reload directory only: 403 for any other), or 422 while the old
    /// model stays in service; `GET /healthz`.
    package func makeAdminRouter() -> Router<ServerRequestContext> {
        let router = Router(context: ServerRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(
            middleware: JSONErrorMiddleware(
                metrics: metrics, allowedMethods: ["/healthz": [.get, .head], "/admin/reload": [.post]]))
        router.add(middleware: BodyLimitMiddleware(maxBodyBytes: limits.maxBodyBytes))
        router.get("/healthz") { _, _ in HealthResponse(status: "ok") }
        router.post("/admin/reload") { request, context in try await self.handleReload(request, context: context) }
        return router
    }
}
