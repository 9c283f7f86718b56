import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// Runs a ``RecommendationService`` over HTTP until SIGTERM or SIGINT.
///
/// One service group holds the package API, the optional admin API on loopback and a SIGHUP listener that
/// reloads the model. Every connection gets the limits of ``ServerConfiguration`` (idle and read timeouts, a
/// bound on open connections, JSON answers to requests the HTTP parser refuses). On SIGTERM/SIGINT the group
/// shuts down gracefully: the listeners close, requests in flight finish (their queries are still answered by
/// the batcher), then the batcher stops; whatever is still open after `drainTimeout` is cut off.
package enum RecommendationServer {
    /// Serves until a graceful-shutdown signal; calls `onListening(api, url)` once each API listens
    /// (`api` is `public` or `admin`, `url` e.g. `http://127.0.0.1:8080`). Shuts the service down at the end.
    package static func run(
        _ service: RecommendationService, configuration: ServerConfiguration, logger: Logger,
        onListening: @escaping @Sendable (_ api: String, _ url: String) -> Void = { _, _ in }
    ) async throws {
        let group = makeServiceGroup(service, configuration: configuration, logger: logger, onListening: onListening)
        defer { service.shutdown() }
        try await group.run()
    }

    /// The service group that ``run(_:configuration:logger:onListening:)`` runs: the SIGHUP listener, the
    /// admin API (if configured) and the package API, shut down gracefully in reverse order on SIGTERM/SIGINT
    /// or ``ServiceGroup/triggerGracefulShutdown()``, and cancelled once shutting down took `drainTimeout`.
    /// The caller shuts `service` down after the group ends.
    package static func makeServiceGroup(
        _ service: RecommendationService, configuration: ServerConfiguration, logger: Logger,
        onListening: @escaping @Sendable (_ api: String, _ url: String) -> Void = { _, _ in }
    ) -> ServiceGroup {
        let api = makeApplication(
            "public", router: service.makeRouter(), host: configuration.host, port: configuration.port,
            maxConnections: configuration.maxConnections, service: service, configuration: configuration,
            logger: logger, onListening: onListening)
        var services: [any Service] = [ReloadSignalService(service: service, logger: logger)]
        if let adminPort = configuration.adminPort {
            services.append(
                makeApplication(
                    "admin", router: service.makeAdminRouter(), host: "127.0.0.1", port: adminPort,
                    maxConnections: configuration.maxAdminConnections, service: service, configuration: configuration,
                    logger: logger, onListening: onListening))
        }
        // Services shut down in reverse order: the package API first, so its requests in flight finish.
        services.append(api)
        var groupConfiguration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // After the drain time, shutdown escalates to cancellation, which closes the remaining connections.
        groupConfiguration.maximumGracefulShutdownDuration = configuration.drainTimeout
        groupConfiguration.maximumCancellationDuration = configuration.cancellationLimit
        return ServiceGroup(configuration: groupConfiguration)
    }

    /// One HTTP/1.1 listener with the connection limits of `configuration`.
    private static func makeApplication(
        _ name: String, router: Router<ServerRequestContext>, host: String, port: Int, maxConnections: Int,
        service: RecommendationService, configuration: ServerConfiguration, logger: Logger,
        onListening: @escaping @Sendable (_ api: String, _ url: String) -> Void
    ) -> DrainReportingService {
        let readTimeout = configuration.readTimeout
        let metrics = service.metrics
        let http = HTTP1Channel.Configuration(
            additionalChannelHandlers: [RequestGuardHandler(readTimeout: readTimeout, metrics: metrics)],
            idleTimeout: TimeAmount(configuration.idleTimeout))
        let application = Application(
            router: router, server: .http1(configuration: http),
            configuration: .init(
                address: .hostname(host, port: port), serverName: name == "admin" ? "vaecf-admin" : "vaecf",
                availableConnectionsDelegate: ConnectionLimit(maximum: maxConnections, api: name, logger: logger)),
            onServerRunning: { channel in onListening(name, "http://\(host):\(channel.localAddress?.port ?? port)") },
            logger: logger)
        return DrainReportingService(
            name: name, base: application, drainTimeout: configuration.drainTimeout, logger: logger)
    }
}

/// An API's listener, with log lines for the operator when its graceful shutdown begins and when it is cut
/// off because the drain time ran out.
struct DrainReportingService: Service {
    let name: String
    let base: any Service
    let drainTimeout: Duration
    let logger: Logger

    func run() async throws {
        let shuttingDown = ShutdownFlag()
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await base.run()
            } onGracefulShutdown: {
                shuttingDown.set()
                logger.info("\(name) API: shutting down; waiting up to \(drainTimeout) for open requests")
            }
        } onCancel: {
            // Cancelled during a graceful shutdown: the service group's drain time ran out.
            if shuttingDown.isSet {
                logger.warning("\(name) API: drain time of \(drainTimeout) exceeded; closing the remaining connections")
            }
        }
    }

    /// Whether graceful shutdown has begun, set from the shutdown handler and read from the cancellation one.
    private final class ShutdownFlag: @unchecked Sendable {
        // @unchecked Sendable: `value` is read and written only while `lock` is held.
        // Guarded by `lock`.
        private let lock = NSLock()
        private var value = false

        func set() { lock.withLock { value = true } }
        var isSet: Bool { lock.withLock { value } }
    }
}

/// Reloads the model file on every SIGHUP until graceful shutdown.
struct ReloadSignalService: Service {
    let service: RecommendationService
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            logger.info("SIGHUP: reloading the model")
            // Failures are logged by the reloader; the old model stays in service.
            _ = try? await service.reload()
        }
    }
}
