/// A fast 64-bit checksum of bytes (four interleaved multiply-rotate lanes over 8-byte words, then a final
/// mix; several GB/s). Detects corruption and truncation of saved files; not a cryptographic hash.
package struct Checksum64: Sendable {
    private var lanes: (UInt64, UInt64, UInt64, UInt64) = (
        0x9E37_79B9_7F4A_7C15, 0xC2B2_AE3D_27D4_EB4F, 0x1656_67B1_9E37_79F9, 0x27D4_EB2F_1656_67C5
    )
    private var length: UInt64 = 0
    private var pending: [UInt8] = []

    package init() {}

    @inline(__always) private static func round(_ lane: UInt64, _ word: UInt64) -> UInt64 {
        let mixed = lane &+ word &* 0xC2B2_AE3D_27D4_EB4F
        return ((mixed << 31) | (mixed >> 33)) &* 0x9E37_79B9_7F4A_7C15
    }

    /// Adds bytes to the checksum.
    package mutating func update(_ bytes: UnsafeRawBufferPointer) {
        length &+= UInt64(bytes.count)
        var start = 0
        if !pending.isEmpty {
            let take = min(32 - pending.count, bytes.count)
            pending.append(contentsOf: bytes[0..<take])
            start = take
            if pending.count == 32 {
                pending.withUnsafeBytes { consumeBlocks($0) }
                pending.removeAll(keepingCapacity: true)
            }
        }
        let remaining = bytes.count - start
        let blockBytes = remaining / 32 * 32
        if blockBytes > 0 {
            consumeBlocks(UnsafeRawBufferPointer(rebasing: bytes[start..<(start + blockBytes)]))
        }
        if blockBytes < remaining { pending.append(contentsOf: bytes[(start + blockBytes)...]) }
    }

    private mutating func consumeBlocks(_ bytes: UnsafeRawBufferPointer) {
        var (a, b, c, d) = lanes
        var offset = 0
        while offset < bytes.count {
            a = Self.round(a, bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            b = Self.round(b, bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
            c = Self.round(c, bytes.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self))
            d = Self.round(d, bytes.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self))
            offset += 32
        }
        lanes = (a, b, c, d)
    }

    /// The checksum of everything added so far.
    package func finalize() -> UInt64 {
        var hash = lanes.0 ^ (lanes.1 &* 31) ^ (lanes.2 &* 131) ^ (lanes.3 &* 1031) ^ length
        for byte in pending { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        hash ^= hash >> 33
        hash &*= 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        hash &*= 0xC4CE_B9FE_1A85_EC53
        return hash ^ (hash >> 33)
    }

    /// The checksum of one buffer.
    package static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var checksum = Checksum64()
        checksum.update(bytes)
        return checksum.finalize()
    }
}
