import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that readers see either the old file or the complete new one, never a partial one:
/// the bytes go to a temporary file in the same folder, are flushed to disk, and the file is renamed.
///
/// The temporary file is `.<name>.tmp-<pid>-<random>`. A process killed while writing leaves it behind;
/// the next write to the same target removes those whose process no longer exists
/// (``StaleTemporaryFiles``), so repeated kills do not pile them up.
package enum AtomicFile {
    /// Writes `data` to `url` atomically.
    /// - Throws: ``AtomicFileError`` naming the path when the folder is missing or not writable.
    package static func write(_ data: Data, to url: URL) throws(AtomicFileError) {
        try write(to: url) { handle throws(AtomicFileError) in
            do { try handle.write(contentsOf: data) } catch {
                throw AtomicFileError(path: url.path, reason: "\(error.localizedDescription)")
            }
        }
    }

    /// The prefix of the temporary files written for `url`, followed by `<pid>-<random>`.
    package static func temporaryPrefix(for url: URL) -> String { ".\(url.lastPathComponent).tmp-" }

    /// Streams content into `url` atomically: `body` writes to a handle on the temporary file.
    /// If `body` throws, the temporary file is removed and nothing appears at `url`.
    package static func write(to url: URL, _ body: (FileHandle) throws(AtomicFileError) -> Void) throws(AtomicFileError)
    {
        let folder = url.deletingLastPathComponent()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw AtomicFileError.missingFolder(path: url.path, folder: folder.path)
        }
        StaleTemporaryFiles.remove(in: folder, prefix: temporaryPrefix(for: url))
        let temporary = folder.appendingPathComponent(
            temporaryPrefix(for: url) + "\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw AtomicFileError.cannotCreate(path: url.path, folder: folder.path)
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            do {
                try body(handle)
                try handle.synchronize()
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
            if rename(temporary.path, url.path) != 0 {
                throw AtomicFileError(path: url.path, reason: String(cString: strerror(errno)))
            }
        } catch let error as AtomicFileError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw AtomicFileError(path: url.path, reason: error.localizedDescription)
        }
    }
}

/// Removes the temporary files and folders that killed processes left behind.
///
/// A leftover is recognised by its exact name only: `<prefix><pid>` or `<prefix><pid>-<digits>`, where
/// `<pid>` is a process that no longer exists (`kill(pid, 0)` fails with `ESRCH`). Anything else, including
/// the files of running processes (this one too), is left alone.
package enum StaleTemporaryFiles {
    /// Removes the leftovers named `<prefix><pid>[-<digits>]` in `folder`; returns the names removed.
    /// Errors (unreadable folder, a file that vanished) are ignored: cleaning up is best effort.
    @discardableResult
    package static func remove(in folder: URL, prefix: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        var removed = [String]()
        for name in names where name.hasPrefix(prefix) {
            guard let pid = processID(inName: name, prefix: prefix), !isAlive(pid) else { continue }
            if (try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))) != nil {
                removed.append(name)
            }
        }
        return removed
    }

    /// The `<pid>` of `<prefix><pid>[-<digits>]`, or nil when `name` has another shape.
    static func processID(inName name: String, prefix: String) -> pid_t? {
        let rest = name.dropFirst(prefix.count).split(separator: "-", omittingEmptySubsequences: false)
        guard rest.count == 1 || rest.count == 2,
            rest.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let pid = pid_t(rest[0]), pid > 0
        else { return nil }
        return pid
    }

    /// Whether process `pid` exists (ours, or another user's that we may not signal).
    static func isAlive(_ pid: pid_t) -> Bool {
        if pid == getpid() { return true }
        return kill(pid, 0) == 0 || errno != ESRCH
    }
}

/// A file that could not be written.
public enum AtomicFileError: Error, CustomStringConvertible, LocalizedError, Equatable, Sendable {
    /// The folder that should hold the file at `path` does not exist.
    case missingFolder(path: String, folder: String)
    /// No file can be created in `folder` (permission denied or a read-only file system).
    case cannotCreate(path: String, folder: String)
    /// Writing, flushing or renaming the file failed (`reason`: the system's message).
    case writeFailed(path: String, reason: String)

    /// A write to `path` that failed for `reason` (``writeFailed(path:reason:)``).
    package init(path: String, reason: String) { self = .writeFailed(path: path, reason: reason) }

    /// The file that could not be written.
    public var path: String {
        switch self {
        case .missingFolder(let path, _), .cannotCreate(let path, _), .writeFailed(let path, _): return path
        }
    }

    /// Why it could not be written.
    public var reason: String {
        switch self {
        case .missingFolder(_, let folder): return "the folder \(folder) does not exist"
        case .cannotCreate(_, let folder): return "cannot create a file in \(folder) (permission denied or read-only)"
        case .writeFailed(_, let reason): return reason
        }
    }

    /// The text for logs, messages and errors: `cannot write <path>: <reason>`.
    public var description: String { "cannot write \(path): \(reason)" }

    /// The same text as ``description``.
    public var errorDescription: String? { description }
}
