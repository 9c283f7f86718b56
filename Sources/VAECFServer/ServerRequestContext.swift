import Hummingbird

/// The request context of the server's routers: request bodies decode through ``JSONRequestDecoder`` within
/// the service's body limit (set by ``BodyLimitMiddleware``), answers encode through ``SortedJSONEncoder``.
package struct ServerRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// The largest request body decoded, in bytes.
    package var maxBodyBytes: Int

    package init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        maxBodyBytes = ServerLimits().maxBodyBytes
    }

    package var maxUploadSize: Int { maxBodyBytes }
    package var requestDecoder: JSONRequestDecoder { JSONRequestDecoder(maxBodyBytes: maxBodyBytes) }
    package var responseEncoder: SortedJSONEncoder { SortedJSONEncoder() }
}

/// Gives every request's context the service's ``ServerLimits/maxBodyBytes``.
struct BodyLimitMiddleware: RouterMiddleware {
    let maxBodyBytes: Int

    func handle(
        _ request: Request, context: ServerRequestContext,
        next: (Request, ServerRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.maxBodyBytes = maxBodyBytes
        return try await next(request, context)
    }
}
