import Foundation
import Logging
import ServiceLifecycle
import Testing
import VAECFServer

/// Log lines kept in memory, for tests that check what the server tells its operator.
final class LogRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
    func contains(_ text: String) -> Bool { all.contains { $0.contains(text) } }

    /// A logger writing here (every level).
    func logger() -> Logger {
        Logger(label: "test") { _ in RecordingLogHandler(recorder: self) }
    }

    /// Waits up to `timeout` for a line containing `text`.
    func waitFor(_ text: String, timeout: Duration = .seconds(30)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !contains(text) && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        return contains(text)
    }
}

struct RecordingLogHandler: LogHandler {
    let recorder: LogRecorder
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        recorder.append("\(event.level) \(event.message)")
    }
}

/// A real server on 127.0.0.1 (ports picked by the system) for one test.
struct LiveServer {
    let publicPort: Int
    let adminPort: Int?
    let group: ServiceGroup
    let log: LogRecorder

    /// Starts the service group of `service` with `configuration` (its ports are replaced by 0), runs `body`,
    /// then shuts the group down (unless `body` did). Fails if the group does not end within `stopTimeout`.
    /// The caller shuts `service` down.
    static func run(
        _ service: RecommendationService, configuration: ServerConfiguration = ServerConfiguration(),
        stopTimeout: Duration = .seconds(20), _ body: @Sendable (LiveServer) async throws -> Void
    ) async throws {
        var configuration = configuration
        configuration.host = "127.0.0.1"
        configuration.port = 0
        if configuration.adminPort != nil { configuration.adminPort = 0 }
        let log = LogRecorder()
        let (urls, sink) = AsyncStream.makeStream(of: (String, Int).self)
        let group = RecommendationServer.makeServiceGroup(service, configuration: configuration, logger: log.logger()) {
            api, url in
            sink.yield((api, Int(url.split(separator: ":").last!)!))
        }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var ports = [String: Int]()
            for await (api, port) in urls {
                ports[api] = port
                if ports.count == (configuration.adminPort == nil ? 1 : 2) { break }
            }
            let server = LiveServer(
                publicPort: try #require(ports["public"]), adminPort: ports["admin"], group: group, log: log)
            do {
                try await body(server)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await Self.waitForAll(&tasks, timeout: stopTimeout)
        }
    }

    /// Waits for the group's task, failing (and cancelling it) after `timeout`.
    static func waitForAll(_ tasks: inout ThrowingTaskGroup<Void, any Error>, timeout: Duration) async throws {
        tasks.addTask {
            try await Task.sleep(for: timeout)
            throw StopTimeout(timeout: timeout)
        }
        _ = try await tasks.next()
        tasks.cancelAll()
    }

    struct StopTimeout: Error, CustomStringConvertible {
        let timeout: Duration
        var description: String { "the server did not stop within \(timeout)" }
    }
}
