import Foundation

/// SplitMix64: expands one 64-bit seed into well-mixed 64-bit values. Used to seed `RandomSource`
/// and to derive independent streams from one master seed.
package struct SplitMix64: RandomNumberGenerator, Sendable {
    package var state: UInt64

    package init(seed: UInt64) { state = seed }

    @inlinable package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The one random number generator of the project: xoshiro256** seeded through SplitMix64.
///
/// Every random choice (splits, initialization, shuffling, dropout, noise) draws from a `RandomSource`
/// derived from the user's `--seed`, so runs are bitwise reproducible. Its whole state is four words,
/// which checkpoints save and restore. All algorithms here are written out (no standard-library shuffle
/// or random(in:)), so results do not depend on the Swift version.
package struct RandomSource: RandomNumberGenerator, Sendable, Equatable, Codable {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    /// The four state words, for saving.
    package var state: [UInt64] { [s0, s1, s2, s3] }

    /// A generator for `seed`, and optionally one of many independent streams of it.
    package init(seed: UInt64, stream: UInt64 = 0) {
        var mixer = SplitMix64(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        s0 = mixer.next()
        s1 = mixer.next()
        s2 = mixer.next()
        s3 = mixer.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    /// Restores a generator from saved state words.
    /// - Throws: ``RandomSourceError`` unless `state` is four words, not all zero.
    package init(state: [UInt64]) throws(RandomSourceError) {
        guard state.count == 4 else { throw .wrongWordCount(state.count) }
        guard state.contains(where: { $0 != 0 }) else { throw .allZero }
        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3])
    }

    package init(from decoder: any Decoder) throws {
        let words = try decoder.singleValueContainer().decode([UInt64].self)
        try self.init(state: words)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(state)
    }

    @inlinable package mutating func next() -> UInt64 {
        let result = rotate(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotate(s3, 45)
        return result
    }

    @inlinable func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A uniform integer in `0 ..< bound` (Lemire's multiply-shift with rejection, unbiased).
    @inlinable package mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold { product = next().multipliedFullWidth(by: range) }
        }
        return Int(product.high)
    }

    /// A uniform `Double` in `[0, 1)` with 53 random bits.
    @inlinable package mutating func nextDouble() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A uniform `Float` in `[0, 1)` with 24 random bits.
    @inlinable package mutating func nextFloat() -> Float { Float(next() >> 40) * 0x1.0p-24 }

    /// A standard normal sample (Box-Muller; one of the pair is used).
    @inlinable package mutating func nextGaussian() -> Double {
        var u1 = nextDouble()
        while u1 <= 0 { u1 = nextDouble() }
        let u2 = nextDouble()
        return (-2 * _logDouble(u1)).squareRoot() * _cosDouble(2 * Double.pi * u2)
    }

    /// Fisher-Yates shuffle of `values` in place.
    package mutating func shuffle<T>(_ values: inout [T]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            let j = nextInt(below: i + 1)
            if i != j { values.swapAt(i, j) }
        }
    }

    /// A random permutation of `0 ..< count`.
    package mutating func permutation(count: Int) -> [Int] {
        var values = Array(0..<count)
        shuffle(&values)
        return values
    }

    /// `count` distinct indices from `0 ..< population`, in random order (partial Fisher-Yates).
    package mutating func sample(count: Int, from population: Int) -> [Int] {
        precondition(count <= population, "cannot sample \(count) from \(population)")
        var values = Array(0..<population)
        for i in 0..<count {
            let j = i + nextInt(below: population - i)
            values.swapAt(i, j)
        }
        return Array(values[0..<count])
    }
}

#if canImport(Glibc)
import Glibc
@usableFromInline func _logDouble(_ x: Double) -> Double { Glibc.log(x) }
@usableFromInline func _cosDouble(_ x: Double) -> Double { Glibc.cos(x) }
#elseif canImport(Darwin)
import Darwin
@usableFromInline func _logDouble(_ x: Double) -> Double { Darwin.log(x) }
@usableFromInline func _cosDouble(_ x: Double) -> Double { Darwin.cos(x) }
#endif

/// Saved generator state that cannot be restored.
package enum RandomSourceError: Error, CustomStringConvertible, LocalizedError, Equatable {
    /// The state has `count` words instead of four.
    case wrongWordCount(Int)
    /// All four words are zero (the generator would only produce zeros).
    case allZero

    package var description: String {
        switch self {
        case .wrongWordCount(let count):
            return "invalid random generator state: expected four words, not all zero; found \(count) words"
        case .allZero: return "invalid random generator state: expected four words, not all zero; all are zero"
        }
    }

    package var errorDescription: String? { description }
}
