#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only into memory; unmapped when the last reference goes away.
///
/// The bytes are never written, so sharing the buffer between threads is safe.
final class MappedFile: @unchecked Sendable {
    // @unchecked Sendable: constants only, over a read-only mapping that lives as long as the object.
    /// Path as given, used in error messages.
    let path: String
    /// The file's bytes (`count` = file size; `baseAddress` is nil for an empty file).
    let bytes: UnsafeBufferPointer<UInt8>

    /// Maps the file at `path`.
    /// - Throws: ``DataError`` when the file is missing, unreadable or not a regular file.
    init(path: String) throws(DataError) {
        self.path = path
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw DataError.cannotOpen(file: path, reason: Self.systemMessage(errno))
        }
        defer { close(descriptor) }
        var information = stat()
        guard fstat(descriptor, &information) == 0 else {
            throw DataError.cannotRead(file: path, reason: Self.systemMessage(errno))
        }
        guard (information.st_mode & S_IFMT) == S_IFREG else {
            let kind = (information.st_mode & S_IFMT) == S_IFDIR ? "a folder" : "not a regular file"
            throw DataError.cannotRead(file: path, reason: "it is \(kind)")
        }
        let size = Int(information.st_size)
        guard size > 0 else {
            bytes = UnsafeBufferPointer(start: nil, count: 0)
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0),
            address != UnsafeMutableRawPointer(bitPattern: -1)
        else {
            throw DataError.cannotRead(file: path, reason: "cannot map it into memory: \(Self.systemMessage(errno))")
        }
        _ = madvise(address, size, MADV_WILLNEED)
        bytes = UnsafeBufferPointer(start: address.assumingMemoryBound(to: UInt8.self), count: size)
    }

    deinit {
        if let start = bytes.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: start), bytes.count)
        }
    }

    /// The text of a C `errno` value.
    static func systemMessage(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
