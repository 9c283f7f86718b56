import ArgumentParser
import Foundation
import Logging
import VAECF
import VAECFCompute
import VAECFServer

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// `vaecf serve`: recommendations over HTTP, concurrent requests coalesced into batched forward passes.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract:
            "Serve recommendations over HTTP (POST /v1/recommend, /v1/recommend/batch; GET /healthz, /v1/model, /metrics).",
        discussion: """
            SIGHUP (or POST /admin/reload on the loopback-only --admin-port, optional body {"path": "..."}) loads \
            the model file again in the background and swaps it in; requests in flight finish on the old model. \
            SIGTERM or SIGINT stops the server after the requests in flight are answered, or after \
            --drain-timeout seconds whatever clients do. Reloads with a path may only read files inside \
            --reload-directory (default: the model's folder). See the README's "Security" section.
            """)

    @Option(help: "Model file from `vaecf train`.", transform: URL.init(fileURLWithPath:))
    var model: URL
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port; the address is printed).") var port = 8080
    @OptionGroup var precision: InferencePrecisionOptions
    @Option(name: .customLong("max-batch"), help: "Most queries in one coalesced forward pass.") var maxBatch = 256
    @Option(
        name: .customLong("max-wait-ms"), help: "Longest wait for more queries once one is queued, in milliseconds.")
    var maxWaitMilliseconds = 2.0
    @Option(name: .customLong("max-items"), help: "Most item ids (items plus exclude) in one query.") var maxItems =
        10_000
    @Option(name: .customLong("max-body-bytes"), help: "Largest request body accepted (larger: 413).")
    var maxBodyBytes = 1 << 20
    @Option(name: .customLong("max-users"), help: "Most users in one batch request.") var maxUsers = 1024
    @Option(
        name: .customLong("admin-port"), help: "Port of the admin API (POST /admin/reload), bound to 127.0.0.1 only.")
    var adminPort: Int?
    @Option(
        name: .customLong("reload-directory"),
        help: "Folder that POST /admin/reload may load from (default: the model's folder).",
        transform: URL.init(fileURLWithPath:))
    var reloadDirectory: URL?
    @Option(
        name: .customLong("idle-timeout"),
        help: "Seconds a connection may stay idle (or stall in its headers) before it is closed.")
    var idleTimeout = ServerConfiguration.defaultIdleTimeout.seconds
    @Option(
        name: .customLong("read-timeout"),
        help: "Seconds a request body may take to arrive after its headers (else 408).")
    var readTimeout = ServerConfiguration.defaultReadTimeout.seconds
    @Option(
        name: .customLong("max-connections"),
        help: "Most open connections; more wait until one closes (capped by the open-file limit).")
    var maxConnections = ServerConfiguration.defaultMaxConnections
    @Option(
        name: .customLong("drain-timeout"),
        help: "Seconds SIGTERM waits for open requests before closing their connections.")
    var drainTimeout = ServerConfiguration.defaultDrainTimeout.seconds
    @Option(name: .customLong("log-level"), help: "Messages logged to standard error: this level and above.")
    var logLevel: Logger.Level = .info
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be in 0...65535") }
        if let adminPort {
            guard (0...65_535).contains(adminPort) else { throw ValidationError("--admin-port must be in 0...65535") }
            guard adminPort == 0 || adminPort != port else {
                throw ValidationError("--admin-port must differ from --port")
            }
        }
        guard maxBatch >= 1 else { throw ValidationError("--max-batch must be at least 1") }
        guard maxWaitMilliseconds >= 0, maxWaitMilliseconds.isFinite else {
            throw ValidationError("--max-wait-ms must be 0 or more")
        }
        guard maxItems >= 1 else { throw ValidationError("--max-items must be at least 1") }
        guard maxBodyBytes >= 64 else { throw ValidationError("--max-body-bytes must be at least 64") }
        guard maxUsers >= 1 else { throw ValidationError("--max-users must be at least 1") }
        for (name, value) in [
            ("--idle-timeout", idleTimeout), ("--read-timeout", readTimeout), ("--drain-timeout", drainTimeout),
        ] {
            guard value > 0, value <= 86_400 else {
                throw ValidationError("\(name) must be more than 0 and at most 86400 seconds")
            }
        }
        guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1") }
        if let reloadDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: reloadDirectory.path, isDirectory: &isDirectory),
                isDirectory.boolValue
            else {
                throw ValidationError("--reload-directory \(reloadDirectory.path) is not a folder")
            }
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap { [logLevel] label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        let logger = Logger(label: "vaecf.serve")
        let configuration = serverConfiguration()
        let threadCount = compute.threadCount
        let gemm = GEMM.load(threadCount: threadCount)
        for warning in gemm.warnings { printError("warning: \(warning)") }
        let precision = self.precision.precision
        let loader: BackendLoader = { path in
            try Recommender.load(URL(fileURLWithPath: path), gemm: gemm, threadCount: threadCount, precision: precision)
        }
        let backend = try loader(model.path)
        let description = backend.description
        printLine(
            "model: \(model.path): \(description.itemCount) items, encoder \(description.encoderDimensions), \(description.precision)"
        )
        printLine("compute: \(gemm.backendName), \(threadCount) thread\(threadCount == 1 ? "" : "s")")
        let limits = ServerLimits(
            maxBatch: maxBatch, maxWaitMilliseconds: maxWaitMilliseconds, maxItems: maxItems,
            maxBodyBytes: maxBodyBytes, maxUsersPerRequest: maxUsers)
        printLine("batching: up to \(maxBatch) queries per forward pass, waiting at most \(maxWaitMilliseconds) ms")
        let service = RecommendationService(
            backend: backend, path: model.path, loader: loader, reloadDirectory: reloadDirectory, limits: limits,
            logger: logger)
        try await RecommendationServer.run(service, configuration: configuration, logger: logger) { api, url in
            printLine(api == "admin" ? "admin API (POST /admin/reload) listening on \(url)" : "listening on \(url)")
        }
        printLine("stopped")
    }
}

extension ServeCommand {
    /// The listening configuration, `--max-connections` capped so that the public and admin connections
    /// fit in the process's open-file limit with room for model files and logs.
    func serverConfiguration() -> ServerConfiguration {
        var configuration = ServerConfiguration(
            host: host, port: port, adminPort: adminPort, idleTimeout: .seconds(idleTimeout),
            readTimeout: .seconds(readTimeout), maxConnections: maxConnections, drainTimeout: .seconds(drainTimeout),
            cancellationLimit: .seconds(5))
        var limit = rlimit()
        #if canImport(Glibc)
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        if getrlimit(resource, &limit) == 0 {  // RLIM_INFINITY clamps to Int.max: no cap
            let available =
                Int(clamping: limit.rlim_cur) - 64 - (adminPort == nil ? 0 : configuration.maxAdminConnections)
            if available < maxConnections {
                configuration.maxConnections = max(1, available)
                printError(
                    "warning: --max-connections \(maxConnections) exceeds what the open-file limit of \(limit.rlim_cur) allows; using \(configuration.maxConnections)"
                )
            }
        }
        printLine(
            "limits: \(configuration.maxConnections) connections, idle timeout \(idleTimeout) s, read timeout \(readTimeout) s, drain \(drainTimeout) s"
        )
        return configuration
    }
}

/// Writes a line to standard output at once (no buffering), for scripts that wait for it.
private func printLine(_ message: String) {
    FileHandle.standardOutput.write(Data((message + "\n").utf8))
}
