/// The MD5 message digest (RFC 1321), computed incrementally.
///
/// Used only to check downloaded archives against the checksums that GroupLens publishes next to them
/// (`ml-20m.zip.md5`); it is not used for anything security-related.
///
///     var digest = MD5()
///     digest.update(bytes)
///     let hex = digest.finalize().hexadecimal   // "d41d8cd98f00b204e9800998ecf8427e" for no bytes
package struct MD5: Sendable {
    private var a0: UInt32 = 0x6745_2301
    private var b0: UInt32 = 0xefcd_ab89
    private var c0: UInt32 = 0x98ba_dcfe
    private var d0: UInt32 = 0x1032_5476
    /// Bytes hashed so far.
    private var length: UInt64 = 0
    /// A partial 64-byte block waiting for more input.
    private var pending: [UInt8] = []

    package init() {}

    /// Per-round left-rotation amounts.
    private static let shifts: [UInt32] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
        5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
        4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
        6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ]

    /// `floor(abs(sin(i + 1)) * 2^32)` for `i` in `0 ..< 64`.
    private static let constants: [UInt32] = [
        0xd76a_a478, 0xe8c7_b756, 0x2420_70db, 0xc1bd_ceee, 0xf57c_0faf, 0x4787_c62a, 0xa830_4613, 0xfd46_9501,
        0x6980_98d8, 0x8b44_f7af, 0xffff_5bb1, 0x895c_d7be, 0x6b90_1122, 0xfd98_7193, 0xa679_438e, 0x49b4_0821,
        0xf61e_2562, 0xc040_b340, 0x265e_5a51, 0xe9b6_c7aa, 0xd62f_105d, 0x0244_1453, 0xd8a1_e681, 0xe7d3_fbc8,
        0x21e1_cde6, 0xc337_07d6, 0xf4d5_0d87, 0x455a_14ed, 0xa9e3_e905, 0xfcef_a3f8, 0x676f_02d9, 0x8d2a_4c8a,
        0xfffa_3942, 0x8771_f681, 0x6d9d_6122, 0xfde5_380c, 0xa4be_ea44, 0x4bde_cfa9, 0xf6bb_4b60, 0xbebf_bc70,
        0x289b_7ec6, 0xeaa1_27fa, 0xd4ef_3085, 0x0488_1d05, 0xd9d4_d039, 0xe6db_99e5, 0x1fa2_7cf8, 0xc4ac_5665,
        0xf429_2244, 0x432a_ff97, 0xab94_23a7, 0xfc93_a039, 0x655b_59c3, 0x8f0c_cc92, 0xffef_f47d, 0x8584_5dd1,
        0x6fa8_7e4f, 0xfe2c_e6e0, 0xa301_4314, 0x4e08_11a1, 0xf753_7e82, 0xbd3a_f235, 0x2ad7_d2bb, 0xeb86_d391,
    ]

    /// Adds bytes to the digest.
    package mutating func update(_ bytes: UnsafeRawBufferPointer) {
        length &+= UInt64(bytes.count)
        var start = 0
        if !pending.isEmpty {
            let take = min(64 - pending.count, bytes.count)
            pending.append(contentsOf: bytes[0..<take])
            start = take
            if pending.count == 64 {
                let block = pending
                block.withUnsafeBytes { consumeBlocks($0) }
                pending.removeAll(keepingCapacity: true)
            }
        }
        let remaining = bytes.count - start
        let blockBytes = remaining / 64 * 64
        if blockBytes > 0 {
            consumeBlocks(UnsafeRawBufferPointer(rebasing: bytes[start..<(start + blockBytes)]))
        }
        if blockBytes < remaining { pending.append(contentsOf: bytes[(start + blockBytes)...]) }
    }

    /// Adds the bytes of a byte sequence (an array, `Data`, a string's UTF-8 view) to the digest.
    package mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let array = Array(bytes)
        array.withUnsafeBytes { update($0) }
    }

    /// Pads the message and returns its 16-byte digest. The value itself is not changed, so it can keep
    /// taking bytes, but the usual pattern is to call this once at the end.
    package func finalize() -> Digest {
        var copy = self
        var padding: [UInt8] = [0x80]
        let afterMarker = (Int(length % 64) + 1) % 64
        let zeroCount = (56 - afterMarker + 64) % 64
        padding.append(contentsOf: repeatElement(0, count: zeroCount))
        let bitLength = length &* 8
        for shift in stride(from: 0, to: 64, by: 8) {
            padding.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }
        let savedLength = copy.length
        copy.update(padding)
        copy.length = savedLength
        precondition(copy.pending.isEmpty, "MD5 padding must end on a block boundary")
        var bytes = [UInt8]()
        bytes.reserveCapacity(16)
        for word in [copy.a0, copy.b0, copy.c0, copy.d0] {
            for shift in stride(from: 0, to: 32, by: 8) {
                bytes.append(UInt8(truncatingIfNeeded: word >> UInt32(shift)))
            }
        }
        return Digest(bytes: bytes)
    }

    /// The digest of `bytes` in one call.
    package static func hash<Bytes: Sequence>(_ bytes: Bytes) -> Digest where Bytes.Element == UInt8 {
        var digest = MD5()
        digest.update(bytes)
        return digest.finalize()
    }

    /// Runs the compression function over whole 64-byte blocks.
    private mutating func consumeBlocks(_ blocks: UnsafeRawBufferPointer) {
        var (a0, b0, c0, d0) = (self.a0, self.b0, self.c0, self.d0)
        Self.shifts.withUnsafeBufferPointer { shifts in
            Self.constants.withUnsafeBufferPointer { constants in
                var words = (
                    UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0),
                    UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0)
                )
                withUnsafeMutableBytes(of: &words) { wordBytes in
                    let message = wordBytes.bindMemory(to: UInt32.self)
                    var offset = 0
                    while offset < blocks.count {
                        for index in 0..<16 {
                            let value = blocks.loadUnaligned(fromByteOffset: offset + 4 * index, as: UInt32.self)
                            message[index] = UInt32(littleEndian: value)
                        }
                        var (a, b, c, d) = (a0, b0, c0, d0)
                        /// One step: `mixed` is the round's boolean function of b, c, d.
                        @inline(__always) func step(_ mixed: UInt32, _ index: Int, _ word: Int) {
                            let sum = mixed &+ a &+ constants[index] &+ message[word]
                            let shift = shifts[index]
                            (a, d, c) = (d, c, b)
                            b = b &+ ((sum << shift) | (sum >> (32 - shift)))
                        }
                        for index in 0..<16 { step((b & c) | (~b & d), index, index) }
                        for index in 16..<32 { step((d & b) | (~d & c), index, (5 &* index &+ 1) & 15) }
                        for index in 32..<48 { step(b ^ c ^ d, index, (3 &* index &+ 5) & 15) }
                        for index in 48..<64 { step(c ^ (b | ~d), index, (7 &* index) & 15) }
                        a0 &+= a
                        b0 &+= b
                        c0 &+= c
                        d0 &+= d
                        offset += 64
                    }
                }
            }
        }
        (self.a0, self.b0, self.c0, self.d0) = (a0, b0, c0, d0)
    }

    /// A finished MD5 digest: 16 bytes.
    package struct Digest: Sendable, Equatable, CustomStringConvertible {
        /// The 16 digest bytes, in the order they are printed.
        package let bytes: [UInt8]

        /// The usual 32-character lowercase hexadecimal form.
        package var hexadecimal: String {
            let digits = Array("0123456789abcdef".utf8)
            var characters = [UInt8]()
            characters.reserveCapacity(32)
            for byte in bytes {
                characters.append(digits[Int(byte >> 4)])
                characters.append(digits[Int(byte & 0x0f)])
            }
            return String(decoding: characters, as: UTF8.self)
        }

        package var description: String { hexadecimal }
    }
}
