import Foundation
import Testing
@testable import VAECF
import VAECFCompute
import VAECFCore

/// Crafted model files: lengths and counts that do not fit the file, impossible headers, non-finite weights.
@Suite("Model files: crafted and damaged input")
struct ModelFileHardeningTests {
    /// The bytes of a valid model file of a fresh 50-item model.
    static func modelBytes(_ file: ModelFile = RecommendFixture.file(RecommendFixture.model())) throws -> [UInt8] {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model")
        try file.write(to: url)
        return Array(try Data(contentsOf: url))
    }

    /// A file with `header` (JSON object), `payload` bytes and a correct checksum.
    static func craft(header: [String: Any], payload: [UInt8]) throws -> [UInt8] {
        let json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        var bytes = ModelFile.magic
        withUnsafeBytes(of: ModelFile.formatVersion.littleEndian) { bytes += $0 }
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { bytes += $0 }
        bytes += json + payload
        let checksum = bytes.withUnsafeBytes { Checksum64.of($0) }.littleEndian
        withUnsafeBytes(of: checksum) { bytes += $0 }
        return bytes
    }

    /// The header object and the float payload of a valid file.
    static func parts(_ bytes: [UInt8]) throws -> (header: [String: Any], payload: [UInt8]) {
        let length = Int(bytes[12..<20].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        let json = Data(bytes[20..<(20 + length)])
        let header = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        return (header, Array(bytes[(20 + length)..<(bytes.count - 8)]))
    }

    static func decode(_ bytes: [UInt8], check: ModelFile.WeightCheck = .allBlocks) throws -> ModelFile {
        try bytes.withUnsafeBytes { try ModelFile.decode($0, path: "crafted", check: check) }
    }

    /// Decoding `bytes` throws a ``ModelFileError`` that `matches` accepts.
    static func expectRefused(
        _ bytes: [UInt8], _ matches: (ModelFileError) -> Bool, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(sourceLocation: sourceLocation) { _ = try decode(bytes) } throws: { error in
            (error as? ModelFileError).map(matches) ?? false
        }
    }

    // Case matchers for `expectRefused`.
    static func truncated(_ error: ModelFileError) -> Bool { if case .truncated = error { true } else { false } }
    static func trailingBytes(_ error: ModelFileError) -> Bool {
        if case .trailingBytes = error { true } else { false }
    }
    static func inconsistentTrainingUsers(_ error: ModelFileError) -> Bool {
        if case .inconsistentTrainingUsers = error { true } else { false }
    }
    /// An `inconsistentHeader` error whose problem mentions `text`.
    static func inconsistentHeader(_ text: String) -> (ModelFileError) -> Bool {
        { error in
            if case .inconsistentHeader(_, let problem) = error { problem.contains(text) } else { false }
        }
    }

    @Test("a header length near 2^63 or 2^64 is refused, not trusted")
    func hugeHeaderLength() throws {
        let bytes = try Self.modelBytes()
        for length: UInt64 in [1 << 63 - 1, 1 << 63, UInt64.max, UInt64.max - 20, UInt64(bytes.count)] {
            var damaged = bytes
            withUnsafeBytes(of: length.littleEndian) { damaged.replaceSubrange(12..<20, with: $0) }
            Self.expectRefused(damaged, Self.truncated)
        }
    }

    @Test("negative, huge and missing block counts with a valid checksum are refused")
    func craftedBlockCounts() throws {
        let (header, payload) = try Self.parts(try Self.modelBytes())
        let counts: [[Int]] = [[-1], [-4], [Int.max], [Int.min], [], [1, 2], [Int.max / 4 + 1]]
        for blocks in counts {
            var crafted = header
            crafted["blocks"] = blocks
            #expect(throws: ModelFileError.self, "blocks \(blocks)") {
                _ = try Self.decode(try Self.craft(header: crafted, payload: payload))
            }
        }
        var negative = header
        negative["blocks"] = [-1]
        Self.expectRefused(
            try Self.craft(header: negative, payload: payload), Self.inconsistentHeader("weights do not match"))
    }

    @Test("impossible networks and counters in the header are refused")
    func impossibleHeaders() throws {
        let (header, payload) = try Self.parts(try Self.modelBytes())
        let model = try #require(header["model"] as? [String: Any])
        let networks: [[String: Any]] = [
            ["encoderDimensions": [Int]()], ["encoderDimensions": [16, -4]], ["encoderDimensions": [Int.max, 4]],
            ["encoderDimensions": [16, 1 << 40]], ["itemCount": 0], ["itemCount": -50], ["itemCount": Int.max],
        ]
        for change in networks {
            var crafted = header
            crafted["model"] = model.merging(change) { $1 }
            Self.expectRefused(
                try Self.craft(header: crafted, payload: payload), Self.inconsistentHeader("impossible network"))
        }
        for (key, value) in [
            ("bestEpoch", Int.max), ("bestEpoch", -2), ("epoch", -1), ("step", -5), ("epoch", Int.max),
        ] {
            var crafted = header
            crafted[key] = value
            Self.expectRefused(
                try Self.craft(header: crafted, payload: payload), Self.inconsistentHeader("impossible counters"))
        }
        var fewerIDs = header
        fewerIDs["itemIDs"] = ["a"]
        Self.expectRefused(try Self.craft(header: fewerIDs, payload: payload), Self.inconsistentHeader("item ids"))
    }

    @Test("the checked-in fuzz corpus: seeds load, every other input is refused without a trap")
    func fuzzCorpus() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../Fuzz/corpus/model").standardized
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        #expect(files.count >= 2)
        for file in files {
            let bytes = Array(try Data(contentsOf: file))
            let loaded = try? Self.decode(bytes, check: .inferenceWeights).usableAsModel()
            if file.lastPathComponent.hasPrefix("seed") { #expect(loaded != nil, "\(file.lastPathComponent)") }
        }
    }

    @Test("every truncation of a model file is refused")
    func truncations() throws {
        let bytes = try Self.modelBytes()
        for length in stride(from: 0, to: bytes.count, by: 7) {
            #expect(throws: ModelFileError.self) { _ = try Self.decode(Array(bytes.prefix(length))) }
        }
    }
}
