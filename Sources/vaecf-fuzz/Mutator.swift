import VAECFCore

/// A small seeded byte mutator for the in-process driver (libFuzzer brings its own): bit flips, interesting
/// values in 1, 4 and 8 bytes, insertions, deletions, copies and truncations, 1 to 4 per input.
struct Mutator {
    var random: RandomSource

    static let interestingWords: [UInt64] = [
        0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 1 << 62, 1 << 63 - 1, 1 << 63,
        UInt64.max, UInt64.max - 1, 0x7FC0_0000,
    ]

    init(seed: UInt64) { random = RandomSource(seed: seed, stream: 0xF022) }

    mutating func index(_ count: Int) -> Int { Int(random.next() % UInt64(max(count, 1))) }

    /// A mutated copy of `input`.
    mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0...index(4) { mutateOnce(&bytes) }
        return bytes
    }

    mutating func mutateOnce(_ bytes: inout [UInt8]) {
        let position = index(bytes.count)
        switch index(7) {
        case 0 where !bytes.isEmpty: bytes[position] ^= 1 << UInt8(index(8))
        case 1 where !bytes.isEmpty:
            bytes[position] = UInt8(truncatingIfNeeded: Self.interestingWords[index(Self.interestingWords.count)])
        case 2 where bytes.count >= 8:
            let word = Self.interestingWords[index(Self.interestingWords.count)]
            let start = index(bytes.count - 7)
            let width = index(2) == 0 ? 4 : 8
            withUnsafeBytes(of: word.littleEndian) {
                bytes.replaceSubrange(start..<(start + width), with: $0.prefix(width))
            }
        case 3:
            bytes.insert(
                contentsOf: (0...index(8)).map { _ in UInt8(truncatingIfNeeded: random.next()) },
                at: min(position, bytes.count))
        case 4 where !bytes.isEmpty: bytes.removeSubrange(position..<min(bytes.count, position + 1 + index(16)))
        case 5 where !bytes.isEmpty:
            let source = index(bytes.count)
            let chunk = Array(bytes[source..<min(bytes.count, source + 1 + index(32))])
            bytes.insert(contentsOf: chunk, at: position)
        case 6: bytes.removeLast(min(bytes.count, index(bytes.count + 1)))
        default: bytes.append(UInt8(truncatingIfNeeded: random.next()))
        }
    }
}
