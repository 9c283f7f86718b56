/// Where the server listens, and the limits that keep one client from holding it: timeouts, a bound on open
/// connections and the longest graceful shutdown.
public struct ServerConfiguration: Sendable {
    /// Host or address of the public API (`127.0.0.1` by default).
    public var host: String
    /// Port of the public API; 0 picks a free one (the address is reported to `onListening`).
    public var port: Int
    /// Port of the admin API (reload), always on 127.0.0.1; `nil`: no admin API.
    public var adminPort: Int?
    /// A connection that completes no request part and gets no response for this long is closed: idle
    /// keep-alive connections, and clients that stall or trickle their request line and headers.
    public var idleTimeout: Duration
    /// A request's body must arrive completely within this time after its headers (else 408 and the
    /// connection is closed): bounds clients that trickle a body byte by byte.
    public var readTimeout: Duration
    /// The most connections open at once on the public API; further clients wait in the listen backlog
    /// until one closes (logged once when the limit is reached).
    public var maxConnections: Int
    /// The same bound for the admin API.
    public var maxAdminConnections: Int
    /// The longest graceful shutdown: requests still open this long after SIGTERM/SIGINT are cut off
    /// (logged) and the server stops.
    public var drainTimeout: Duration
    /// How long cancellation after the drain time may take before the process aborts (a last resort against
    /// a task that ignores cancellation); `nil` never aborts. `vaecf serve` sets 5 s; the default is `nil`
    /// so that a process embedding the server (tests included) is never aborted by it.
    public var cancellationLimit: Duration?

    /// Defaults for the limits (60 s idle, 30 s read, 512 connections, 16 admin connections, 10 s drain).
    public static let defaultIdleTimeout = Duration.seconds(60)
    public static let defaultReadTimeout = Duration.seconds(30)
    public static let defaultMaxConnections = 512
    public static let defaultMaxAdminConnections = 16
    public static let defaultDrainTimeout = Duration.seconds(10)

    public init(
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
