import Testing

@testable import VAECFCore

/// Restoring a random generator from saved state.
@Suite("random source state")
struct RandomSourceErrorTests {
    @Test("saved state round-trips; a wrong word count or an all-zero state is refused by case")
    func restore() throws {
        var source = RandomSource(seed: 7)
        _ = source.next()
        var restored = try RandomSource(state: source.state)
        #expect(restored.next() == source.next())
        #expect(throws: RandomSourceError.wrongWordCount(3)) { try RandomSource(state: [1, 2, 3]) }
        #expect(throws: RandomSourceError.allZero) { try RandomSource(state: [0, 0, 0, 0]) }
    }
}
