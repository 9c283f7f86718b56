import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The text of an input file, whatever its packaging: a plain file is mapped as is; a gzip file
/// (`ratings.csv.gz`) or a zip archive (a MovieLens release such as `ml-20m.zip`, whose `ratings.csv`,
/// `ratings.dat` or `u.data` is read) is decompressed into memory. Other binary files are refused.
///
/// The bytes are never written after opening, so sharing them between threads is safe.
final class InputBytes: @unchecked Sendable {
    // @unchecked Sendable: every stored property is a constant and the bytes are never written after opening.
    /// The text bytes.
    let bytes: UnsafeBufferPointer<UInt8>
    /// The file for messages: its path, or `archive.zip (folder/ratings.csv)` for a zip entry.
    let displayPath: String
    /// What keeps `bytes` alive: the mapping, or the decompressed buffer.
    private let mapped: MappedFile?
    private let owned: DecompressedBytes?

    private init(mapped: MappedFile?, owned: DecompressedBytes?, displayPath: String) {
        self.mapped = mapped
        self.owned = owned
        self.displayPath = displayPath
        bytes = owned?.bytes ?? mapped?.bytes ?? UnsafeBufferPointer(start: nil, count: 0)
    }

    /// Opens `path`, decompressing gzip and zip input: all of it, or with `prefix`, at least its first `prefix`
    /// bytes (enough to look at the first lines, without decompressing a whole release).
    /// - Throws: ``DataError`` for an unreadable, damaged or binary file, or an archive without a ratings file.
    static func open(path: String, prefix: Int? = nil) throws(DataError) -> InputBytes {
        let file = try MappedFile(path: path)
        let input: InputBytes
        switch Packaging.of(file.bytes) {
        case .gzip:
            let contents = try GzipDecoder.decompress(file.bytes, path: path, limit: prefix)
            input = InputBytes(mapped: nil, owned: contents, displayPath: path)
        case .zip:
            let (entry, contents) = try ZipEntryReader.ratings(inArchive: path, limit: prefix)
            input = InputBytes(mapped: nil, owned: contents, displayPath: "\(path) (\(entry))")
        case .plain:
            input = InputBytes(mapped: file, owned: nil, displayPath: path)
        }
        try BinaryCheck.requireText(input.bytes, path: input.displayPath)
        return input
    }

    /// How a file is packaged, from its first bytes.
    enum Packaging {
        case plain, gzip, zip

        static func of(_ bytes: UnsafeBufferPointer<UInt8>) -> Packaging {
            if bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B { return .gzip }
            if bytes.count >= 4 && Array(bytes[0..<4]) == [0x50, 0x4B, 0x03, 0x04] { return .zip }
            return .plain
        }
    }
}

/// Bytes decompressed into one growing heap buffer.
final class DecompressedBytes: @unchecked Sendable {
    // @unchecked Sendable: filled by one thread while decompressing, then only read (through ``InputBytes``).
    private var base: UnsafeMutablePointer<UInt8>?
    private(set) var count = 0
    private var capacity = 0

    /// An empty buffer with room for `expected` bytes (a hint; it grows as needed).
    init(expected: Int) { reserve(max(expected, 1 << 16)) }

    deinit { free(base) }

    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// Thrown by ``append(_:limit:)`` to stop a decompression that has produced enough.
    struct LimitReached: Error {}

    /// Appends `data`; then throws ``LimitReached`` when `limit` bytes or more are held.
    func append(_ data: Data, limit: Int?) throws(LimitReached) {
        append(data)
        if let limit, count >= limit { throw LimitReached() }
    }

    /// Appends `data`.
    func append(_ data: Data) {
        if count + data.count > capacity { reserve(max(capacity * 2, count + data.count)) }
        data.withUnsafeBytes { source in
            guard let start = source.baseAddress, let base else { return }
            (base + count).update(from: start.assumingMemoryBound(to: UInt8.self), count: source.count)
        }
        count += data.count
    }

    private func reserve(_ newCapacity: Int) {
        guard let grown = realloc(base, newCapacity) else {
            fatalError("out of memory: cannot hold \(newCapacity) decompressed bytes")
        }
        base = grown.assumingMemoryBound(to: UInt8.self)
        capacity = newCapacity
    }
}
