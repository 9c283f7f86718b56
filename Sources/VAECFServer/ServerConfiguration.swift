/// Where the server listens, and the limits that keep one client from holding it: timeouts, a bound on open
/// connections and the longest graceful shutdown.
package struct ServerConfiguration: Sendable {
    /// Host or address of the package API (`127.0.0.1` by default).
    package var host: String
    /// Port of the package API; 0 picks a free one (the address is reported to `onListening`).
    package var port: Int
    /// Port of the admin API (reload), always on 127.0.0.1; `nil`: no admin API.
    package var adminPort: Int?
    /// A connection that completes no request part and gets no response for this long is closed: idle
    /// keep-alive connections, and clients that stall or trickle their request line and headers.
    package var idleTimeout: Duration
    /// A request's body must arrive completely within this time after its headers (else 408 and the
    /// connection is closed): bounds clients that trickle a body byte by byte.
    package var readTimeout: Duration
    /// The most connections open at once on the package API; further clients wait in the listen backlog
    /// until one closes (logged once when the limit is reached).
    package var maxConnections: Int
    /// The same bound for the admin API.
    package var maxAdminConnections: Int
    /// The longest graceful shutdown: requests still open this long after SIGTERM/SIGINT are cut off
    /// (logged) and the server stops.
    package var drainTimeout: Duration
    /// How long cancellation after the drain time may take before the process aborts (a last resort against
    /// a task that ignores cancellation); `nil` never aborts. `vaecf serve` sets 5 s; the default is `nil`
    /// so that a process embedding the server (tests included) is never aborted by it.
    package var cancellationLimit: Duration?

    /// Defaults for the limits (60 s idle, 30 s read, 512 connections, 16 admin connections, 10 s drain).
    package static let defaultIdleTimeout = Duration.seconds(60)
    package static let defaultReadTimeout = Duration.seconds(30)
    package static let defaultMaxConnections = 512
    package static let defaultMaxAdminConnections = 16
    package static let defaultDrainTimeout = Duration.seconds(10)

    package init(
        host: String = "127.0.0.1", port: Int = 8080, adminPort: Int? = nil,
        idleTimeout: Duration = defaultIdleTimeout, readTimeout: Duration = defaultReadTimeout,
        maxConnections: Int = defaultMaxConnections, maxAdminConnections: Int = defaultMaxAdminConnections,
        drainTimeout: Duration = defaultDrainTimeout, cancellationLimit: Duration? = nil
    ) {
        self.host = host
        self.port = port
        self.adminPort = adminPort
        self.idleTimeout = idleTimeout
        self.readTimeout = readTimeout
        self.maxConnections = maxConnections
        self.maxAdminConnections = maxAdminConnections
        self.drainTimeout = drainTimeout
        self.cancellationLimit = cancellationLimit
    }
}
