import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// Where the server listens.
public struct ServerConfiguration: Sendable {
    /// Host or address of the public API (`127.0.0.1` by default).
    public var host: String
    /// Port of the public API; 0 picks a free one (the address is reported to `onListening`).
    public var port: Int
    /// Port of the admin API (reload), always on 127.0.0.1; `nil`: no admin API.
    public var adminPort: Int?

    public init(host: String = "127.0.0.1", port: Int = 8080, adminPort: Int? = nil) {
        self.host = host
        self.port = port
        self.adminPort = adminPort
    }
}

/// Runs a ``RecommendationService`` over HTTP until SIGTERM or SIGINT.
///
/// One service group holds the public API, the optional admin API on loopback and a SIGHUP listener that
/// reloads the model. On SIGTERM/SIGINT the group shuts down gracefully: the listeners close, requests in
/// flight finish (their queries are still answered by the batcher), then the batcher stops.
public enum RecommendationServer {
    /// Serves until a graceful-shutdown signal; calls `onListening(api, url)` once each API listens
    /// (`api` is `public` or `admin`, `url` e.g. `http://127.0.0.1:8080`). Shuts the service down at the end.
    public static func run(
        _ service: RecommendationService, configuration: ServerConfiguration, logger: Logger,
        onListening: @escaping @Sendable (_ api: String, _ url: String) -> Void = { _, _ in }
    ) async throws {
        let group = makeServiceGroup(service, configuration: configuration, logger: logger, onListening: onListening)
        defer { service.shutdown() }
        try await group.run()
    }

    /// The service group that ``run(_:configuration:logger:onListening:)`` runs: the SIGHUP listener, the
    /// admin API (if configured) and the public API, shut down gracefully in reverse order on SIGTERM/SIGINT
    /// or ``ServiceGroup/triggerGracefulShutdown()``. The caller shuts `service` down after the group ends.
    public static func makeServiceGroup(
        _ service: RecommendationService, configuration: ServerConfiguration, logger: Logger,
        onListening: @escaping @Sendable (_ api: String, _ url: String) -> Void = { _, _ in }
    ) -> ServiceGroup {
        let api = Application(
            router: service.makeRouter(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "vaecf"),
            onServerRunning: { channel in
                onListening("public", "http://\(configuration.host):\(channel.localAddress?.port ?? configuration.port)")
            },
            logger: logger)
        var services: [any Service] = [ReloadSignalService(service: service, logger: logger)]
        if let adminPort = configuration.adminPort {
            let admin = Application(
                router: service.makeAdminRouter(),
                configuration: .init(address: .hostname("127.0.0.1", port: adminPort), serverName: "vaecf-admin"),
                onServerRunning: { channel in
                    onListening("admin", "http://127.0.0.1:\(channel.localAddress?.port ?? adminPort)")
                },
                logger: logger)
            services.append(admin)
        }
        // Services shut down in reverse order: the public API first, so its requests in flight finish.
        services.append(api)
        return ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
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
