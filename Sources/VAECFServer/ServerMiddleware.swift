import Foundation
import Hummingbird
import Logging

/// Turns every failure into a JSON error response (``APIError``): the router's 404 (405 with `Allow` for a
/// known path asked with any other method), Hummingbird's own HTTP errors (e.g. 413) and unexpected errors
/// (500, logged). Must sit inside ``MetricsMiddleware`` so the metrics see the final status.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics
    /// The methods each route path serves.
    let allowedMethods: [String: [HTTPRequest.Method]]

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let apiError: APIError
        do {
            return try await next(request, context)
        } catch let error as APIError {
            apiError = error
        } catch let httpError as any HTTPResponseError {
            switch httpError.status {
            case .notFound:
                let path = request.uri.path
                apiError =
                    allowed(on: path).map { .methodNotAllowed(request.method, path: path, allowed: $0) }
                    ?? .notFound(path: path)
            case .contentTooLarge:
                apiError = .bodyTooLarge(limit: nil)
            default:
                apiError = .httpError(httpError.status)
            }
        } catch {
            context.logger.error("unexpected error answering \(request.method) \(request.uri.path): \(error)")
            apiError = .internalError
        }
        metrics.recordError(route: context.endpointPath ?? "unmatched", code: apiError.code)
        return apiError.makeResponse()
    }

    /// The methods `path` serves: its entry, or that of a pattern whose `{name}` components match any one component.
    func allowed(on path: String) -> [HTTPRequest.Method]? {
        if let methods = allowedMethods[path] { return methods }
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        return allowedMethods.first { pattern, _ in
            let parts = pattern.split(separator: "/", omittingEmptySubsequences: false)
            return parts.count == components.count
                && zip(parts, components).allSatisfy { part, component in
                    part == component || (part.hasPrefix("{") && part.hasSuffix("}") && !component.isEmpty)
                }
        }?.value
    }
}

/// Counts every request by route pattern, method and status and records its latency.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(request, context: context, status: status, started: started)
            throw error
        }
        record(request, context: context, status: response.status.code, started: started)
        return response
    }

    private func record(_ request: Request, context: Context, status: Int, started: UInt64) {
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        metrics.recordRequest(
            route: context.endpointPath ?? "unmatched", method: request.method.rawValue,
            status: status, seconds: seconds)
    }
}
