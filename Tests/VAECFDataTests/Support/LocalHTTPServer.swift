import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimal HTTP/1.1 server on 127.0.0.1 for download tests: it answers `GET` requests for the paths in
/// `files` with `200` and the bytes, anything else with `404`, one connection at a time, and closes every
/// connection after the response. Requests larger than 8 KiB are refused. Call ``stop()`` at the end.
/// With a ``Behavior`` other than `.normal` it misbehaves, for timeout tests.
final class LocalHTTPServer: @unchecked Sendable {
    /// How the server answers.
    enum Behavior: Sendable {
        /// Answers at once.
        case normal
        /// Reads the request and never answers (until stopped).
        case silent
        /// Sends the status and headers, then the body one byte every `interval` seconds.
        case trickle(interval: Double)
    }

    private let behavior: Behavior
    /// The port it listens on (chosen by the system).
    let port: UInt16
    private let files: [String: Data]
    private let listener: Int32
    private let lock = NSLock()
    private var stopping = false
    private var paths: [String] = []
    private let finished = DispatchSemaphore(value: 0)

    /// `http://127.0.0.1:<port>`.
    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// Paths requested so far, in order.
    var requestedPaths: [String] {
        lock.lock()
        defer { lock.unlock() }
        return paths
    }

    struct StartError: Error, CustomStringConvertible {
        let step: String
        var description: String { "cannot start the test HTTP server: \(step) failed (errno \(errno))" }
    }

    /// Starts serving `files` (path, e.g. `/datasets/x.zip` -> body) on a background thread.
    init(files: [String: Data], behavior: Behavior = .normal) throws {
        self.files = files
        self.behavior = behavior
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw StartError(step: "socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(descriptor, 16) == 0 else {
            close(descriptor)
            throw StartError(step: "bind/listen")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else {
            close(descriptor)
            throw StartError(step: "getsockname")
        }
        listener = descriptor
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    /// Stops accepting connections and waits for the serving thread to end.
    func stop() {
        lock.lock()
        let alreadyStopping = stopping
        stopping = true
        lock.unlock()
        if !alreadyStopping { finished.wait() }
    }

    private var isStopping: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopping
    }

    private func serve() {
        while !isStopping {
            var descriptor = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 20) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            respond(to: client)
            close(client)
        }
        close(listener)
        finished.signal()
    }

    private func respond(to client: Int32) {
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1024)
        let end = Array("\r\n\r\n".utf8)
        while request.count < 8192 {
            let count = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            request.append(contentsOf: chunk[0..<count])
            if request.count >= 4, request.suffix(4).elementsEqual(end) { break }
        }
        let firstLine = String(decoding: request.prefix { $0 != UInt8(ascii: "\r") }, as: UTF8.self)
        let parts = firstLine.split(separator: " ")
        let path = parts.count >= 2 ? String(parts[1]) : ""
        lock.lock()
        paths.append(path)
        lock.unlock()
        let body: Data
        let status: String
        if parts.first == "GET", let file = files[path] {
            (status, body) = ("200 OK", file)
        } else {
            (status, body) = ("404 Not Found", Data("not found\n".utf8))
        }
        let head =
            "HTTP/1.1 \(status)\r\nContent-Length: \(body.count)\r\n"
            + "Content-Type: application/octet-stream\r\nConnection: close\r\n\r\n"
        switch behavior {
        case .normal:
            sendAll(client, Data(head.utf8) + body)
        case .silent:
            while !isStopping { Thread.sleep(forTimeInterval: 0.01) }
        case .trickle(let interval):
            sendAll(client, Data(head.utf8))
            for byte in body {
                let resume = Date().addingTimeInterval(interval)
                while !isStopping && Date() < resume { Thread.sleep(forTimeInterval: 0.01) }
                if isStopping { return }
                sendAll(client, Data([byte]))
            }
        }
    }

    private func sendAll(_ client: Int32, _ data: Data) {
        #if canImport(Glibc)
        let flags = Int32(MSG_NOSIGNAL)
        #else
        let flags: Int32 = 0
        #endif
        data.withUnsafeBytes { bytes in
            var sent = 0
            while sent < bytes.count {
                let count = send(client, bytes.baseAddress! + sent, bytes.count - sent, flags)
                guard count > 0 else { return }
                sent += count
            }
        }
    }
}
