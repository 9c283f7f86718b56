import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to 127.0.0.1 for sending what an HTTP client library never would (malformed
/// requests, half-sent bodies, idle sockets). Reads block a thread of their own, never the threads that serve
/// the requests; every read is bounded in time.
final class RawConnection: @unchecked Sendable {
    private let descriptor: Int32
    private let lock = NSLock()
    private var isClosed = false

    struct SocketError: Error, CustomStringConvertible {
        let operation: String
        let code: Int32
        var description: String { "\(operation) failed: \(String(cString: strerror(code)))" }
    }

    /// Connects to `127.0.0.1:port`.
    init(port: Int) throws {
        #if canImport(Glibc)
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw SocketError(operation: "socket", code: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            Foundation.close(descriptor)
            throw SocketError(operation: "connect", code: code)
        }
        var timeout = timeval(tv_sec: 0, tv_usec: 50_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close() }

    #if canImport(Glibc)
    private static let sendFlags = Int32(MSG_NOSIGNAL)
    #else
    private static let sendFlags: Int32 = 0
    #endif

    /// Sends all of `text` (a peer that closed is not an error: the test reads what it answered).
    func send(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let sent = bytes.withUnsafeBytes { Foundation.send(descriptor, $0.baseAddress, $0.count, Self.sendFlags) }
            if sent <= 0 { return }
            bytes = bytes.dropFirst(sent)
        }
    }

    /// Everything received until the server closes the connection or `timeout` passes; `closed` says which.
    func readUntilClosed(timeout: Duration) async -> (text: String, closed: Bool) {
        await read(timeout: timeout) { _ in false }
    }

    /// Everything received until it contains `marker`, the server closes, or `timeout` passes.
    func read(until marker: String, timeout: Duration) async -> (text: String, closed: Bool) {
        await read(timeout: timeout) { $0.contains(marker) }
    }

    /// Reads on a thread of its own: on Linux the global dispatch queues are the threads that run Swift
    /// concurrency (and so the server's handlers), and a blocked one would stall the server under test.
    private func read(
        timeout: Duration, stopWhen: @escaping @Sendable (String) -> Bool
    ) async -> (text: String, closed: Bool) {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: self.readBlocking(timeout: timeout, stopWhen: stopWhen))
            }
        }
    }

    private func readBlocking(timeout: Duration, stopWhen: (String) -> Bool) -> (text: String, closed: Bool) {
        let deadline = ContinuousClock.now + timeout
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while ContinuousClock.now < deadline {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += buffer[..<count]
                if stopWhen(String(decoding: received, as: UTF8.self)) { break }
            } else if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                return (String(decoding: received, as: UTF8.self), true)
            }
        }
        return (String(decoding: received, as: UTF8.self), false)
    }

    func close() {
        lock.withLock {
            guard !isClosed else { return }
            isClosed = true
            Foundation.close(descriptor)
        }
    }
}

/// A raw HTTP/1.1 response split into status, headers and body.
struct RawResponse {
    let status: Int
    let headers: [String: String]
    let body: String

    /// Parses the first response in `text`; nil if it has no status line.
    init?(_ text: String) {
        guard let split = text.range(of: "\r\n\r\n") else { return nil }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            return nil
        }
        self.status = status
        var headers = [String: String]()
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        self.headers = headers
        let rest = String(text[split.upperBound...])
        let length = headers["content-length"].flatMap(Int.init) ?? rest.utf8.count
        body = String(decoding: Array(rest.utf8.prefix(length)), as: UTF8.self)
    }
}
