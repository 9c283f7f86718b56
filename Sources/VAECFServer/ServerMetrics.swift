import Foundation
import Prometheus

/// The server's Prometheus series, exposed at `GET /metrics`:
///
/// - `vaecf_http_requests_total{route, method, status}` and `vaecf_http_request_duration_seconds{route}`
///   (histogram) for every request, errors included;
/// - `vaecf_http_errors_total{route, code}` for every error response, by ``APIError/code``;
/// - `vaecf_batch_size` (histogram of queries per coalesced forward pass) and
///   `vaecf_forward_pass_duration_seconds` (histogram);
/// - `vaecf_similar_items_total` and `vaecf_similar_items_duration_seconds` (histogram) for similar-items queries;
/// - `vaecf_recommendations_total` (queries answered), `vaecf_model_reloads_total{result}` and
///   `vaecf_model_items` (items of the model in service).
package final class ServerMetrics: Sendable {
    /// The registry; ``render()`` emits it in the Prometheus text format.
    package let registry: PrometheusCollectorRegistry
    private let batchSizes: ValueHistogram
    private let forwardPassDurations: DurationHistogram
    private let recommendations: Counter
    private let modelItems: Gauge
    private static let latencyBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .seconds(2.5),
    ]
    private static let batchBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]

    package init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        batchSizes = registry.makeValueHistogram(
            descriptor: Self.name("batch", unit: "size", help: "Queries per coalesced forward pass."),
            labels: [], buckets: Self.batchBuckets)
        forwardPassDurations = registry.makeDurationHistogram(
            descriptor: Self.name(
                "forward_pass_duration", unit: "seconds", help: "Duration of one batched forward pass."),
            labels: [], buckets: Self.latencyBuckets)
        recommendations = registry.makeCounter(
            descriptor: Self.name("recommendations", unit: "total", help: "Queries answered by the model."), labels: [])
        modelItems = registry.makeGauge(
            descriptor: Self.name("model_items", unit: "", help: "Items of the model in service."), labels: [])
    }

    private static func name(_ metric: String, unit: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "vaecf", metricName: metric, unitName: unit, helpText: help)
    }

    /// Counts one finished request and its latency; `route` is the route's pattern (not the raw path).
    func recordRequest(route: String, method: String, status: Int, seconds: Double) {
        registry.makeCounter(
            descriptor: Self.name("http_requests", unit: "total", help: "HTTP requests by route, method and status."),
            labels: [("route", route), ("method", method), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.name("http_request_duration", unit: "seconds", help: "HTTP request latency by route."),
            labels: [("route", route)], buckets: Self.latencyBuckets
        ).record(.nanoseconds(Int64(seconds * 1e9)))
    }

    /// Counts one error response.
    func recordError(route: String, code: String) {
        registry.makeCounter(
            descriptor: Self.name("http_errors", unit: "total", help: "Error responses by route and error code."),
            labels: [("route", route), ("code", code)]
        ).increment()
    }

    /// Records one coalesced forward pass of `queries` queries that took `seconds`.
    func recordBatch(queries: Int, seconds: Double) {
        batchSizes.record(Double(queries))
        forwardPassDurations.record(.nanoseconds(Int64(seconds * 1e9)))
        recommendations.increment(by: Int64(queries))
    }

    /// Records one similar-items query that took `seconds` (`vaecf_similar_items_total`,
    /// `vaecf_similar_items_duration_seconds`).
    func recordSimilarItems(seconds: Double) {
        registry.makeCounter(
            descriptor: Self.name("similar_items", unit: "total", help: "Similar-items queries answered."), labels: []
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.name(
                "similar_items_duration", unit: "seconds", help: "Duration of one similar-items query."),
            labels: [], buckets: Self.latencyBuckets
        ).record(.nanoseconds(Int64(seconds * 1e9)))
    }

    /// Records a reload attempt and, on success, the new model's size.
    func recordReload(succeeded: Bool, itemCount: Int?) {
        registry.makeCounter(
            descriptor: Self.name("model_reloads", unit: "total", help: "Model reloads by result."),
            labels: [("result", succeeded ? "success" : "failure")]
        ).increment()
        if let itemCount { modelItems.set(Double(itemCount)) }
    }

    /// The Prometheus text exposition of every series.
    package func render() -> String { registry.emitToString() }
}
