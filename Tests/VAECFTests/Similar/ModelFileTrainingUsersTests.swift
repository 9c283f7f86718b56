import Foundation
import Testing
@testable import VAECF
import VAECFCompute
import VAECFCore

/// The training users' block of model files: round trips, files without it, crafted blocks.
@Suite("Model files: training users")
struct ModelFileTrainingUsersTests {
    typealias Hardening = ModelFileHardeningTests

    /// The fixture model file keeping three training users.
    static func fileWithUsers() throws -> ModelFile {
        var file = RecommendFixture.file(RecommendFixture.model())
        file.trainingUsers = try KnownUserTests.trainingUsers()
        return file
    }

    /// A valid file with users, its header and payload, and the byte offset of the block in the payload.
    static func craftable() throws -> (header: [String: Any], payload: [UInt8], blockStart: Int) {
        let (header, payload) = try Hardening.parts(try Hardening.modelBytes(try fileWithUsers()))
        let floats = try #require((header["blocks"] as? [Int])?.first)
        return (header, payload, floats * 4)
    }

    @Test("a file with training users reads back equal, and a recommender answers by user id")
    func roundTripWithUsers() throws {
        let file = try Self.fileWithUsers()
        let read = try Hardening.decode(try Hardening.modelBytes(file))
        #expect(read.trainingUsers == file.trainingUsers)
        #expect(read.parameters == file.parameters)
        let recommender = Recommender(file: read, gemm: .portable(threadCount: 1), threadCount: 1)
        let byID = try recommender.recommend(user: "carol", count: 5)
        #expect(
            byID
                == recommender.recommend([
                    RecommendationQuery(items: ["item0", "item2", "item3", "item5", "item30", "item49"], count: 5)
                ])[0])
    }

    @Test("a file without training users (as written before) reads with none, and asking by user id is the error case")
    func withoutUsers() throws {
        let file = RecommendFixture.file(RecommendFixture.model())
        let bytes = try Hardening.modelBytes(file)
        #expect(try Hardening.parts(bytes).header["trainingUsers"] == nil)
        let withUsers = try Hardening.modelBytes(try Self.fileWithUsers())
        #expect(withUsers.count - bytes.count > (try KnownUserTests.trainingUsers()).binaryByteCount)
        var read = try Hardening.decode(bytes)
        #expect(read.trainingUsers == nil)
        read.path = "old.model"
        let recommender = Recommender(file: read, gemm: .portable(threadCount: 1), threadCount: 1)
        #expect(throws: RecommenderError.noTrainingUsers(model: "old.model")) {
            try recommender.recommend(user: "carol", count: 5)
        }
        // A file checked in before training users existed (the fuzz seed) reads as before, without them.
        let seed = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../Fuzz/corpus/model/seed-model").standardized
        let old = try ModelFile.readModel(seed)
        #expect(old.trainingUsers == nil && old.header.itemIDs.count == 6)
        let seedRecommender = Recommender(file: old, gemm: .portable(threadCount: 1), threadCount: 1)
        #expect(throws: RecommenderError.noTrainingUsers(model: seed.path)) {
            try seedRecommender.recommend(user: "u1", count: 2)
        }
    }

    /// Refused with an error `matches` accepts after `change` edits the header or the block's bytes (the
    /// checksum kept valid).
    static func expectRefused(
        _ matches: (ModelFileError) -> Bool, sourceLocation: SourceLocation = #_sourceLocation,
        _ change: (inout [String: Any], inout [UInt8], Int) throws -> Void
    ) throws {
        var (header, payload, start) = try craftable()
        try change(&header, &payload, start)
        Hardening.expectRefused(
            try Hardening.craft(header: header, payload: payload), matches, sourceLocation: sourceLocation)
    }

    static func setOffset(_ payload: inout [UInt8], _ start: Int, row: Int, _ value: Int64) {
        withUnsafeBytes(of: value.littleEndian) {
            payload.replaceSubrange((start + row * 8)..<(start + row * 8 + 8), with: $0)
        }
    }

    static func setIndex(_ payload: inout [UInt8], _ start: Int, entry: Int, _ value: Int32) {
        let position = start + 4 * 8 + entry * 4
        withUnsafeBytes(of: value.littleEndian) { payload.replaceSubrange(position..<(position + 4), with: $0) }
    }

    @Test("crafted training-user blocks are refused, each case")
    func craftedBlocks() throws {
        // Offsets of the three users: 0, 3, 3, 9; items [1, 4, 9], [], [0, 2, 3, 5, 30, 49].
        try Self.expectRefused(Hardening.inconsistentTrainingUsers) { _, payload, start in
            Self.setOffset(&payload, start, row: 0, 1)
        }
        try Self.expectRefused(Hardening.inconsistentTrainingUsers) { _, payload, start in
            Self.setOffset(&payload, start, row: 2, 1)
        }
        try Self.expectRefused(Hardening.inconsistentTrainingUsers) { _, payload, start in
            Self.setOffset(&payload, start, row: 3, 8)
        }
        try Self.expectRefused(Hardening.inconsistentTrainingUsers) { _, payload, start in
            Self.setOffset(&payload, start, row: 1, -3)
        }
        try Self.expectRefused(Hardening.inconsistentTrainingUsers) { _, payload, start in
            Self.setOffset(&payload, start, row: 1, .max)
        }
        try Self.expectRefused(Hardening.inconsistentTrainingUsers) { _, payload, start in
            Self.setIndex(&payload, start, entry: 0, 50)
        }
        try Self.expectRefused(Hardening.inconsistentTrainingUsers) { _, payload, start in
            Self.setIndex(&payload, start, entry: 0, -1)
        }
        try Self.expectRefused(Hardening.inconsistentTrainingUsers) { _, payload, start in
            Self.setIndex(&payload, start, entry: 1, 1)
        }
        try Self.expectRefused(Hardening.inconsistentTrainingUsers) { _, payload, start in
            Self.setIndex(&payload, start, entry: 4, 0)
        }
        try Self.expectRefused({
            if case .inconsistentTrainingUsers(_, let problem) = $0 { problem.contains("appears twice") } else { false }
        }) { header, _, _ in
            header["trainingUsers"] = ["userIDs": ["alice", "bob", "alice"], "interactionCount": 9]
        }
    }

    @Test("training-user counts that do not fit the file are refused")
    func craftedCounts() throws {
        for count in [-1, 8, 10, 1 << 40, Int.max] {
            try Self.expectRefused(count == 8 ? Hardening.trailingBytes : Hardening.truncated) { header, _, _ in
                header["trainingUsers"] = ["userIDs": ["alice", "bob", "carol"], "interactionCount": count]
            }
        }
        try Self.expectRefused(Hardening.trailingBytes) { header, _, _ in
            header["trainingUsers"] = ["userIDs": ["alice", "bob"], "interactionCount": 9]
        }
        try Self.expectRefused(Hardening.trailingBytes) { header, _, _ in header["trainingUsers"] = nil }
        try Self.expectRefused(Hardening.truncated) { _, payload, _ in payload.removeLast(4) }
    }
}
