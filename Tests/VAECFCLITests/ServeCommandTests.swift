import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `vaecf serve` as a real process on a loopback port: requests over HTTP, reload by SIGHUP and the admin
/// API, a clean exit on SIGTERM.
@Suite("serve command", .serialized)
struct ServeCommandTests {
    /// A running `vaecf serve` whose standard output is collected as it comes.
    final class ServerProcess: @unchecked Sendable {
        let process = Process()
        private let lock = NSLock()
        private var output = ""
        private let errorURL: URL

        init(arguments: [String], folder: URL) throws {
            guard let binary = CLIRunner.binary else { throw CLIRunnerError.binaryNotFound }
            process.executableURL = binary
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            errorURL = folder.appendingPathComponent("serve.stderr")
            _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: errorURL)
            pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let data = handle.availableData
                guard let self, !data.isEmpty else { return }
                self.lock.withLock { self.output += String(decoding: data, as: UTF8.self) }
            }
            try process.run()
        }

        var standardOutput: String { lock.withLock { output } }
        var standardError: String { (try? String(contentsOf: errorURL, encoding: .utf8)) ?? "" }

        /// The URL printed on a line that starts with `prefix` (e.g. `listening on `), waiting up to `timeout` seconds.
        /// Generous: on Linux the pipe's readability handler runs on the dispatch pool that Swift concurrency
        /// also uses, and in a full parallel run other tests' synchronous work can hold it for tens of seconds.
        func url(after prefix: String, timeout: TimeInterval = 240) async throws -> URL? {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline && process.isRunning {
                for line in standardOutput.split(separator: "\n") {
                    if line.hasPrefix(prefix) { return URL(string: String(line.dropFirst(prefix.count))) }
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            return nil
        }

        /// Waits up to `timeout` seconds for the process to exit; kills it and returns nil if it does not.
        func waitForExit(timeout: TimeInterval = 60) async throws -> Int32? {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return nil
            }
            return process.terminationStatus
        }
    }

    /// Sends a request and returns the status and the body as text.
    static func request(
        _ url: URL, method: String = "GET", body: String? = nil
    ) async throws -> (status: Int, body: String) {
        var request = URLRequest(url: url)
        request.httpMethod = method
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? -1, String(decoding: data, as: UTF8.self))
    }

    /// Trains the small model for one epoch on the prepared data in `folder`; returns the model's path.
    static func trainedModel(in folder: URL) throws -> String {
        let model = folder.appendingPathComponent("model").path
        let train = try CLIRunner.run(
            [
                "train", "--data", folder.appendingPathComponent("data.vaecf").path, "--output", model,
                "--epochs", "1", "--no-checkpoint",
            ] + TrainCommandTests.smallModel)
        try #require(train.status == 0, "\(train.standardError)")
        return model
    }

    @Test("serves recommendations on loopback, reloads on SIGHUP and the admin API, exits cleanly on SIGTERM")
    func serve() async throws {
        let folder = try TrainCommandTests.preparedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try Self.trainedModel(in: folder)

        let server = try ServerProcess(
            arguments: [
                "serve", "--model", model, "--host", "127.0.0.1", "--port", "0", "--admin-port", "0", "--threads", "1",
                "--max-items", "5",
            ],
            folder: folder)
        defer { if server.process.isRunning { kill(server.process.processIdentifier, SIGKILL) } }
        let base = try #require(
            try await server.url(after: "listening on "), "no address; stdout: \(server.standardOutput)")
        let admin = try #require(try await server.url(after: "admin API (POST /admin/reload) listening on "))
        #expect(base.host == "127.0.0.1" && base.port != nil && base.port != 0)
        #expect(server.standardOutput.contains("compute: "))

        let health = try await Self.request(base.appendingPathComponent("healthz"))
        #expect(health.status == 200 && health.body.contains(#""status":"ok""#))
        let description = try await Self.request(base.appendingPathComponent("v1/model"))
        #expect(description.status == 200 && description.body.contains(#""itemCount":150"#), "\(description.body)")
        #expect(
            description.body.contains(#""path":"model""#) && !description.body.contains(folder.path),
            "\(description.body)")

        let recommendURL = base.appendingPathComponent("v1/recommend")
        let answer = try await Self.request(
            recommendURL, method: "POST", body: #"{"items": ["i1", "i2", "nope"], "k": 5}"#)
        #expect(answer.status == 200, "\(answer.body)")
        let result = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any]
        let items = result?["items"] as? [[String: Any]] ?? []
        #expect(items.count == 5)
        #expect(result?["unknown"] as? [String] == ["nope"])
        #expect(!items.contains { ($0["id"] as? String) == "i1" })

        let malformed = try await Self.request(recommendURL, method: "POST", body: #"{"items": ["#)
        #expect(malformed.status == 400 && malformed.body.contains("malformed_json"))
        let tooMany = try await Self.request(
            recommendURL, method: "POST", body: #"{"items": ["a", "b", "c", "d", "e", "f"]}"#)
        #expect(tooMany.status == 400 && tooMany.body.contains("too_many_items"))
        let badK = try await Self.request(recommendURL, method: "POST", body: #"{"items": [], "k": 151}"#)
        #expect(badK.status == 400 && badK.body.contains("invalid_k"))
        let missing = try await Self.request(base.appendingPathComponent("nowhere"))
        #expect(missing.status == 404 && missing.body.contains("not_found"))

        kill(server.process.processIdentifier, SIGHUP)
        let reloaded = try await Self.request(admin.appendingPathComponent("admin/reload"), method: "POST", body: "{}")
        #expect(reloaded.status == 200 && reloaded.body.contains("reloaded"), "\(reloaded.body)")
        let failed = try await Self.request(
            admin.appendingPathComponent("admin/reload"), method: "POST",
            body: #"{"path": "\#(folder.path)/absent.model"}"#)
        #expect(failed.status == 422 && failed.body.contains("reload_failed") && !failed.body.contains(folder.path))
        let outside = try await Self.request(
            admin.appendingPathComponent("admin/reload"), method: "POST", body: #"{"path": "/etc/passwd"}"#)
        #expect(outside.status == 403 && outside.body.contains("reload_forbidden"), "\(outside.body)")
        let after = try await Self.request(
            recommendURL, method: "POST", body: #"{"items": ["i1", "i2", "nope"], "k": 5}"#)
        #expect(after.body == answer.body)

        let metrics = try await Self.request(base.appendingPathComponent("metrics"))
        #expect(
            metrics.body.contains(#"vaecf_http_requests_total{route="/v1/recommend",method="POST",status="200"} 2"#))
        #expect(metrics.body.contains("vaecf_batch_size_count 2"))

        kill(server.process.processIdentifier, SIGTERM)
        let status = try await server.waitForExit()
        #expect(status == 0, "stderr: \(server.standardError)")
        #expect(server.standardOutput.contains("stopped"))
        #expect(server.standardError.contains("SIGHUP: reloading the model"))
        #expect(server.standardError.contains("reload of \(folder.path)/absent.model failed"))
    }

    @Test("bad options and an unreadable model fail before listening")
    func badStart() throws {
        let missing = try CLIRunner.run(["serve", "--model", "/nonexistent-\(UUID().uuidString).model", "--port", "0"])
        #expect(missing.status != 0)
        #expect(missing.standardError.contains("nonexistent"))
        let precision = try CLIRunner.run(["serve", "--model", "x", "--precision", "int4"])
        #expect(precision.status != 0)
        #expect(precision.standardError.contains("--precision"))
        let port = try CLIRunner.run(["serve", "--model", "x", "--port", "70000"])
        #expect(port.status != 0)
        #expect(port.standardError.contains("--port"))
        let directory = try CLIRunner.run([
            "serve", "--model", "x", "--reload-directory", "/nonexistent-\(UUID().uuidString)",
        ])
        #expect(directory.status != 0)
        #expect(directory.standardError.contains("--reload-directory"), "\(directory.standardError)")
        for option in ["--idle-timeout", "--read-timeout", "--drain-timeout", "--max-connections"] {
            let result = try CLIRunner.run(["serve", "--model", "x", option, "0"])
            #expect(result.status != 0)
            #expect(result.standardError.contains(option), "\(result.standardError)")
        }
    }

    @Test("--max-connections is lowered, with a warning, to fit a small open-file limit")
    func connectionsFitOpenFileLimit() throws {
        let binary = try #require(CLIRunner.binary)
        let result = try CLIRunner.run(
            ["-c", #"ulimit -n 200 && exec "$0" serve --model /nonexistent-model --port 0"#, binary.path],
            executable: URL(fileURLWithPath: "/bin/sh"))
        #expect(result.status != 0)  // the model does not exist; the limits are settled before it is read
        #expect(
            result.standardError.contains(
                "--max-connections 512 exceeds what the open-file limit of 200 allows; using 136"),
            "\(result.standardError)")
        #expect(result.standardOutput.contains("limits: 136 connections"))
    }

    /// Opens a connection to `127.0.0.1:port` and sends the headers of a request and a part of its body.
    static func halfSentRequest(port: Int) throws -> Int32 {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(descriptor >= 0 && connected == 0, "cannot connect to port \(port)")
        let request = Array(
            "POST /v1/recommend HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n{\"items\": [".utf8)
        _ = request.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
        return descriptor
    }

    @Test("SIGTERM ends the server within --drain-timeout although a client holds a half-sent request")
    func drainTimeout() async throws {
        let folder = try TrainCommandTests.preparedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try Self.trainedModel(in: folder)
        let server = try ServerProcess(
            arguments: [
                "serve", "--model", model, "--port", "0", "--threads", "1", "--drain-timeout", "1",
                "--idle-timeout", "60", "--read-timeout", "60", "--max-connections", "8",
            ],
            folder: folder)
        defer { if server.process.isRunning { kill(server.process.processIdentifier, SIGKILL) } }
        let base = try #require(
            try await server.url(after: "listening on "),
            "stdout: \(server.standardOutput) stderr: \(server.standardError)")
        #expect(
            server.standardOutput.contains(
                "limits: 8 connections, idle timeout 60.0 s, read timeout 60.0 s, drain 1.0 s"))
        let descriptor = try Self.halfSentRequest(port: try #require(base.port))
        defer { close(descriptor) }
        try await Task.sleep(for: .milliseconds(300))
        let stopping = Date()
        kill(server.process.processIdentifier, SIGTERM)
        // Without the drain bound the half-sent request would hold the server for the 60 s read timeout; the
        // bounds leave room for a loaded machine (exit is observed through the dispatch pool, see url(after:)).
        let status = try await server.waitForExit(timeout: 50)
        #expect(status == 0, "still running 50 s after SIGTERM, or failed: \(server.standardError)")
        #expect(Date().timeIntervalSince(stopping) < 45)
        #expect(server.standardError.contains("drain time of 1.0 seconds exceeded"), "\(server.standardError)")
    }
}
