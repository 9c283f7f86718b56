import Foundation

/// Writes files so that readers see either the old file or the complete new one, never a partial one:
/// the bytes go to a temporary file in the same folder, are flushed to disk, and the file is renamed.
public enum AtomicFile {
    /// Writes `data` to `url` atomically.
    /// - Throws: ``AtomicFileError`` naming the path when the folder is missing or not writable.
    public static func write(_ data: Data, to url: URL) throws(AtomicFileError) {
        try write(to: url) { handle throws(AtomicFileError) in
            do { try handle.write(contentsOf: data) } catch {
                throw AtomicFileError(path: url.path, reason: "\(error.localizedDescription)")
            }
        }
    }

    /// Streams content into `url` atomically: `body` writes to a handle on the temporary file.
    /// If `body` throws, the temporary file is removed and nothing appears at `url`.
    public static func write(to url: URL, _ body: (FileHandle) throws(AtomicFileError) -> Void) throws(AtomicFileError) {
        let folder = url.deletingLastPathComponent()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw AtomicFileError(path: url.path, reason: "the folder \(folder.path) does not exist")
        }
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw AtomicFileError(path: url.path, reason: "cannot create a file in \(folder.path) (permission denied or read-only)")
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

/// A file that could not be written.
public struct AtomicFileError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot write \(path): \(reason)" }
}
