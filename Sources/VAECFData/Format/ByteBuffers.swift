import Foundation

#if _endian(big)
#error("The vaecf file formats store raw little-endian arrays; big-endian hosts are not supported.")
#endif

/// Appends little-endian values and raw arrays to a growing byte buffer, with zero padding to 8-byte
/// boundaries so that every array of a file starts aligned.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    var count: Int { bytes.count }

    mutating func append(_ value: UInt32) {
        Swift.withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ value: UInt64) {
        Swift.withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends the raw bytes of an array of trivial values (host order, little-endian here).
    mutating func append<T: BitwiseCopyable>(array: [T]) { array.withUnsafeBytes { bytes.append(contentsOf: $0) } }

    mutating func append(bytes other: some Sequence<UInt8>) { bytes.append(contentsOf: other) }

    /// Appends zeros up to the next multiple of 8.
    mutating func alignTo8() {
        let padding = (8 - bytes.count % 8) % 8
        bytes.append(contentsOf: repeatElement(0, count: padding))
    }

    /// Overwrites 8 bytes at `offset` with `value`.
    mutating func set(_ value: UInt64, at offset: Int) {
        Swift.withUnsafeBytes(of: value.littleEndian) { source in
            for index in 0..<8 { bytes[offset + index] = source[index] }
        }
    }
}

/// Reads values and raw arrays from bytes with bounds checks: any read past the end throws the error
/// made by `overrun`, so a damaged file is reported instead of crashing.
struct ByteReader {
    let buffer: UnsafeRawBufferPointer
    private(set) var position: Int
    let overrun: @Sendable (String) -> DataError

    init(_ buffer: UnsafeRawBufferPointer, position: Int = 0, overrun: @escaping @Sendable (String) -> DataError) {
        self.buffer = buffer
        self.position = position
        self.overrun = overrun
    }

    /// The next `count` bytes.
    mutating func take(_ count: Int, what: String) throws(DataError) -> UnsafeRawBufferPointer {
        guard count >= 0, count <= buffer.count - position else {
            throw overrun("the \(what) (\(count) bytes at offset \(position)) extends past the end of the data")
        }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: buffer[position..<(position + count)])
    }

    mutating func readUInt64(what: String) throws(DataError) -> UInt64 {
        let bytes = try take(8, what: what)
        return UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
    }

    /// `count` values of `T` copied out in one block, e.g. `[Int32]` or `[Int]` stored as 64-bit integers.
    mutating func readArray<T: BitwiseCopyable>(_ type: T.Type, count: Int, what: String) throws(DataError) -> [T] {
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
        guard !overflow, count >= 0 else { throw overrun("the \(what) has an impossible length \(count)") }
        let source = try take(byteCount, what: what)
        return [T](unsafeUninitializedCapacity: count) { destination, initialized in
            if byteCount > 0 {
                UnsafeMutableRawBufferPointer(destination).copyMemory(from: source)
            }
            initialized = count
        }
    }

    /// Skips zero padding up to the next multiple of 8.
    mutating func alignTo8() throws(DataError) {
        _ = try take((8 - position % 8) % 8, what: "padding")
    }
}
