import Foundation
import ZIPFoundation

/// Decompresses a single-member gzip file (RFC 1952) with ZIPFoundation's raw-deflate decoder and checks
/// its CRC-32 and length.
enum GzipDecoder {
    static let flagHeaderCRC: UInt8 = 0x02, flagExtra: UInt8 = 0x04, flagName: UInt8 = 0x08, flagComment: UInt8 = 0x10

    /// The decompressed bytes of the gzip file `bytes`; with `limit`, about the first `limit` of them (unchecked).
    /// - Throws: ``DataError`` for a damaged, truncated or unsupported gzip file.
    static func decompress(
        _ bytes: UnsafeBufferPointer<UInt8>, path: String, limit: Int? = nil
    ) throws(DataError) -> DecompressedBytes {
        func damaged(_ reason: String) -> DataError {
            DataError.damagedGzip(file: path, reason: reason)
        }
        guard bytes.count >= 18, bytes[2] == 8 else { throw damaged("the header is truncated or not deflate") }
        let start = try dataStart(bytes, damaged: damaged)
        let end = bytes.count - 8
        guard start <= end else { throw damaged("the file is truncated") }
        let storedCRC = readUInt32(bytes, at: end)
        let storedSize = readUInt32(bytes, at: end + 4)
        let output = DecompressedBytes(expected: min(Int(storedSize), limit ?? Int.max))
        let compressed = UnsafeBufferPointer(rebasing: bytes[start..<end])
        let crc: UInt32
        do {
            crc = try Data.decompress(
                size: Int64(compressed.count), bufferSize: 1 << 20, skipCRC32: false,
                provider: { position, size in try paddedChunk(compressed, at: Int(position), size: size) },
                consumer: { try output.append($0, limit: limit) })
        } catch is DecompressedBytes.LimitReached {
            return output
        } catch is TruncatedStream {
            throw damaged("the file is truncated (the compressed data ends early)")
        } catch {
            throw damaged("the compressed data is damaged")
        }
        guard crc == storedCRC, UInt32(truncatingIfNeeded: output.count) == storedSize else {
            throw damaged(
                "its checksum does not match (a damaged file, or several gzip members, which are not supported)")
        }
        return output
    }

    /// Thrown by ``paddedChunk(_:at:size:)`` when the decoder reads past the end of the compressed data.
    private struct TruncatedStream: Error {}

    /// Offset of the deflate data, after the optional header fields.
    private static func dataStart(
        _ bytes: UnsafeBufferPointer<UInt8>, damaged: (String) -> DataError
    ) throws(DataError) -> Int {
        let flags = bytes[3]
        var offset = 10
        if flags & flagExtra != 0 {
            guard offset + 2 <= bytes.count else { throw damaged("the header is truncated") }
            offset += 2 + Int(bytes[offset]) + Int(bytes[offset + 1]) << 8
        }
        for flag in [flagName, flagComment] where flags & flag != 0 {
            while offset < bytes.count && bytes[offset] != 0 { offset += 1 }
            offset += 1
        }
        if flags & flagHeaderCRC != 0 { offset += 2 }
        return offset
    }

    private static func readUInt32(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
    }

    /// `size` bytes of `compressed` from `position`, padded with zeros past its end (the decoder always
    /// reads whole buffers; zeros after a truncated stream make it fail cleanly). Throws once the decoder
    /// asks for more after the end: the deflate stream did not finish.
    private static func paddedChunk(
        _ compressed: UnsafeBufferPointer<UInt8>, at position: Int, size: Int
    ) throws -> Data {
        guard position < compressed.count else {
            throw TruncatedStream()
        }
        var chunk = Data(count: size)
        let available = min(size, compressed.count - position)
        chunk.withUnsafeMutableBytes { target in
            target.copyMemory(
                from: UnsafeRawBufferPointer(
                    rebasing: UnsafeRawBufferPointer(compressed)[position..<(position + available)]))
        }
        return chunk
    }
}

/// Reads the ratings file out of a zip archive, such as a MovieLens release.
enum ZipEntryReader {
    /// File names read from an archive, in order of preference.
    static let ratingsNames = ["ratings.csv", "ratings.dat", "u.data"]

    /// The path of the ratings entry of the archive at `path` and its decompressed contents (with `limit`,
    /// about the first `limit` bytes, unchecked): the first entry named like a MovieLens ratings file, or the
    /// only file of the archive.
    /// - Throws: ``DataError`` for a damaged archive, or one with several files and none of those names.
    static func ratings(
        inArchive path: String, limit: Int? = nil
    ) throws(DataError) -> (entry: String, contents: DecompressedBytes) {
        let archive: Archive
        do { archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read) } catch {
            throw DataError.cannotOpenArchive(file: path, reason: "\(error)")
        }
        let files = archive.filter { $0.type == .file && !$0.path.hasPrefix("__MACOSX/") }
        func name(_ entry: Entry) -> String { String(entry.path.split(separator: "/").last ?? "") }
        let chosen =
            ratingsNames.lazy.compactMap { wanted in files.first { name($0) == wanted } }.first
            ?? (files.count == 1 ? files[0] : nil)
        guard let entry = chosen else {
            throw DataError.noRatingsInArchive(
                file: path, fileCount: files.count, entries: files.prefix(5).map { FieldParsing.shortened($0.path) },
                expected: ratingsNames)
        }
        let contents = DecompressedBytes(expected: min(Int(min(entry.uncompressedSize, 1 << 34)), limit ?? Int.max))
        do {
            let crc = try archive.extract(entry, bufferSize: 1 << 20, skipCRC32: false) {
                try contents.append($0, limit: limit)
            }
            guard crc == entry.checksum else {
                throw DataError.damagedArchiveEntry(
                    file: path, entry: FieldParsing.shortened(entry.path), reason: "its checksum does not match")
            }
        } catch is DecompressedBytes.LimitReached {
        } catch let error as DataError {
            throw error
        } catch {
            throw DataError.damagedArchiveEntry(
                file: path, entry: FieldParsing.shortened(entry.path), reason: "\(error)")
        }
        return (FieldParsing.shortened(entry.path), contents)
    }
}
