import Foundation
import VAECFCore

/// The binary dataset file (`.vaecf`): a prepared ``InteractionDataset`` that loads in a fraction of a second.
///
/// Layout (little-endian):
/// - preamble, 32 bytes: ``magic`` (8), format version (UInt32), settings header length (UInt32),
///   file length including the checksum (UInt64), ``InteractionDataset/fingerprint`` (UInt64);
/// - settings header: JSON `{"settings": {...}}` with sorted keys, zero-padded to 8 bytes;
/// - the body of ``DatasetBody`` (ids and the five CSR matrices as raw arrays);
/// - a ``Checksum64`` (UInt64) of everything before it.
package enum DatasetFile {
    /// The first 8 bytes of every dataset file: `\u{89}VAECFD\n` (high bit and newline catch text-mode damage).
    package static let magic: [UInt8] = [0x89, 0x56, 0x41, 0x45, 0x43, 0x46, 0x44, 0x0A]
    /// The version this build writes and reads.
    package static let formatVersion: UInt32 = 1
    /// The usual file extension.
    package static let fileExtension = "vaecf"
    /// Size of the fixed preamble.
    static let preambleSize = 32

    /// A dataset read from a file, with the facts of the file itself.
    package struct Contents: Sendable {
        /// The dataset, settings included.
        package var dataset: InteractionDataset
        /// Format version of the file.
        package var formatVersion: UInt32
        /// Size of the file in bytes.
        package var byteCount: Int
        /// The fingerprint stored in the file (checked against the content on reading).
        package var fingerprint: UInt64
    }

    private struct Header: Codable {
        var settings: [String: String]
    }

    /// Whether `prefix` (the first bytes of a file) starts with ``magic``.
    package static func hasMagic(_ prefix: some Collection<UInt8>) -> Bool {
        prefix.count >= magic.count && zip(prefix, magic).allSatisfy { $0 == $1 }
    }

    /// The bytes of the file for `dataset`.
    package static func encode(_ dataset: InteractionDataset) -> [UInt8] {
        let headerJSON = encodeHeader(dataset.settings)
        var writer = ByteWriter(
            capacity: preambleSize + headerJSON.count + 64 + 4 * dataset.interactionCount + 8
                * (dataset.trainUserIDs.count + 3 * dataset.validationUserIDs.count + 2 * dataset.testUserIDs.count))
        writer.append(bytes: magic)
        writer.append(formatVersion)
        writer.append(UInt32(headerJSON.count))
        writer.append(UInt64(0))  // file length, set below
        writer.append(UInt64(0))  // fingerprint, set below
        writer.append(bytes: headerJSON)
        writer.alignTo8()
        let bodyStart = writer.count
        DatasetBody.append(dataset, to: &writer)
        let fingerprint = writer.bytes.withUnsafeBytes {
            Checksum64.of(UnsafeRawBufferPointer(rebasing: $0[bodyStart...]))
        }
        writer.set(UInt64(writer.count + 8), at: 16)
        writer.set(fingerprint, at: 24)
        let checksum = writer.bytes.withUnsafeBytes { Checksum64.of($0) }
        writer.append(checksum)
        return writer.bytes
    }

    /// Writes `dataset` to `url` atomically (a reader never sees a partial file).
    /// - Throws: ``DataError`` naming the path when the folder is missing or not writable.
    package static func write(_ dataset: InteractionDataset, to url: URL) throws(DataError) {
        var bytes = encode(dataset)
        let result = bytes.withUnsafeMutableBytes { buffer in
            let data = Data(bytesNoCopy: buffer.baseAddress!, count: buffer.count, deallocator: .none)
            return Result { () throws(AtomicFileError) in try AtomicFile.write(data, to: url) }
        }
        if case .failure(let error) = result {
            throw DataError.cannotWrite(file: url.path, what: "the dataset", reason: error.reason)
        }
    }

    /// Reads the dataset in `url`.
    /// - Throws: ``DataError`` naming the file when it is not a dataset file, has another format version, is
    ///   truncated or corrupted (checksum), or holds inconsistent matrices.
    package static func read(_ url: URL) throws(DataError) -> InteractionDataset {
        try open(url).dataset
    }

    /// Reads the dataset in `url`, with the facts of the file (see ``read(_:)``).
    package static func open(_ url: URL) throws(DataError) -> Contents {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DataError.cannotRead(file: url.path, reason: FileProblem.describe(error))
        }
        return try data.withUnsafeBytes { bytes in
            Result { () throws(DataError) in try decode(bytes, file: url.path) }
        }.get()
    }

    /// Decodes the bytes of a dataset file; `file` names it in errors.
    package static func decode(_ bytes: UnsafeRawBufferPointer, file: String) throws(DataError) -> Contents {
        guard hasMagic(bytes.prefix(magic.count)) else {
            if bytes.count < magic.count && hasMagic(bytes + magic[bytes.count...]) {
                throw .truncated(file: file, byteCount: bytes.count, declaredByteCount: nil)
            }
            throw .notADataset(file: file)
        }
        guard bytes.count >= preambleSize + 8 else {
            throw .truncated(file: file, byteCount: bytes.count, declaredByteCount: nil)
        }
        let version = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        guard version == formatVersion else {
            throw .unsupportedVersion(file: file, found: version, supported: formatVersion)
        }
        let headerLength = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 12, as: UInt32.self)))
        let declaredLength = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        let storedFingerprint = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        guard declaredLength <= UInt64(bytes.count) else {
            throw .truncated(file: file, byteCount: bytes.count, declaredByteCount: declaredLength)
        }
        guard declaredLength == UInt64(bytes.count) else {
            throw .corrupted(
                file: file, reason: "the file has \(bytes.count) bytes, its preamble says \(declaredLength)")
        }
        let storedChecksum = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self))
        let computedChecksum = Checksum64.of(UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count - 8)]))
        guard storedChecksum == computedChecksum else {
            throw .checksumMismatch(file: file, stored: storedChecksum, computed: computedChecksum)
        }
        let content = UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count - 8)])
        var reader = ByteReader(content, position: preambleSize) { message in
            DataError.corrupted(file: file, reason: message)
        }
        let headerBytes = try reader.take(headerLength, what: "settings header")
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: Data(headerBytes)) } catch {
            throw .corrupted(file: file, reason: "unreadable settings header (\(error))")
        }
        try reader.alignTo8()
        let bodyStart = reader.position
        var dataset = try DatasetBody.parse(&reader, file: file)
        guard reader.position == content.count else {
            throw .corrupted(
                file: file, reason: "\(content.count - reader.position) unexpected bytes after the matrices")
        }
        let fingerprint = Checksum64.of(UnsafeRawBufferPointer(rebasing: content[bodyStart...]))
        guard fingerprint == storedFingerprint else {
            throw .fingerprintMismatch(file: file, stored: storedFingerprint, computed: fingerprint)
        }
        dataset.settings = header.settings
        return Contents(dataset: dataset, formatVersion: version, byteCount: bytes.count, fingerprint: fingerprint)
    }

    /// The fingerprint stored in the dataset file `url`, reading only its preamble.
    /// - Throws: ``DataError`` when the file cannot be read, is not a dataset or has another version.
    package static func storedFingerprint(of url: URL) throws(DataError) -> UInt64 {
        let prefix = try FileProblem.readPrefix(of: url, count: preambleSize)
        guard hasMagic(prefix) else {
            throw DataError.notADataset(file: url.path)
        }
        guard prefix.count == preambleSize else {
            throw DataError.truncated(file: url.path, byteCount: nil, declaredByteCount: nil)
        }
        let version = prefix[8..<12].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard version == formatVersion else {
            throw DataError.unsupportedVersion(file: url.path, found: version, supported: formatVersion)
        }
        return prefix[24..<32].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    private static func encodeHeader(_ settings: [String: String]) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding a dictionary of strings cannot fail.
        return Array((try? encoder.encode(Header(settings: settings))) ?? Data("{\"settings\":{}}".utf8))
    }
}
