import Foundation
import Testing
import VAECF
import VAECFCore
import VAECFServer

/// `POST /admin/reload` with crafted and non-finite model files (which used to stop the process) and with a
/// checkpoint (served through its best-validation weights).
@Suite("Reloading crafted files and checkpoints")
struct ReloadCraftedModelTests {
    /// `url` rewritten with its header's `blocks` replaced and the checksum recomputed.
    static func withBlocks(_ blocks: [Int], from url: URL, to target: URL) throws {
        let bytes = Array(try Data(contentsOf: url))
        let length = Int(bytes[12..<20].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        var header = try #require(
            try JSONSerialization.jsonObject(with: Data(bytes[20..<(20 + length)])) as? [String: Any])
        header["blocks"] = blocks
        let json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        var crafted = Array(bytes[0..<12])
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { crafted += $0 }
        crafted += json + bytes[(20 + length)..<(bytes.count - 8)]
        withUnsafeBytes(of: crafted.withUnsafeBytes { Checksum64.of($0) }.littleEndian) { crafted += $0 }
        try Data(crafted).write(to: target)
    }

    @Test("a negative block count or NaN weights fail the reload and keep the old model")
    func craftedReload() async throws {
        let folder = try ServerTest.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = folder.appendingPathComponent("first.model")
        try ServerTest.writeModelFile(itemCount: 50, seed: 1, to: first)
        let negative = folder.appendingPathComponent("negative.model")
        try Self.withBlocks([-1], from: first, to: negative)
        var poisoned = try ModelFile.read(first)
        poisoned.parameters[poisoned.parameters.count - 1] = .nan
        let nan = folder.appendingPathComponent("nan.model")
        try poisoned.write(to: nan)
        try await ServerTest.withService(
            try ServerTest.realLoader(first.path), path: first.path, loader: ServerTest.realLoader
        ) { service in
            // The answer names the file only; the cause (e.g. "decoder.1.bias holds NaN") goes to the server's log.
            for url in [negative, nan] {
                await #expect(throws: APIError.reloadFailed(file: url.lastPathComponent, reason: .notAModelFile)) {
                    try await service.reload(path: url.path)
                }
                #expect(service.backend.itemCount == 50)
            }
        }
    }

    @Test("a checkpoint reloads as its best-validation weights")
    func checkpointReload() async throws {
        let folder = try ServerTest.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = folder.appendingPathComponent("first.model")
        try ServerTest.writeModelFile(itemCount: 50, seed: 1, to: first)
        let best = try ModelFile.read(first)
        var header = best.header
        header.kind = .checkpoint
        let zeros = [Float](repeating: 0, count: best.parameters.count)
        let checkpoint = folder.appendingPathComponent("x.checkpoint")
        try ModelFile(
            header: header, parameters: zeros, optimizer: .init(firstMoments: zeros, secondMoments: zeros),
            bestParameters: best.parameters
        ).write(to: checkpoint)
        let query = [RecommendationQuery(items: ["item1", "item2"], count: 10)]
        let expected = try ServerTest.realLoader(first.path).recommend(query)
        let other = folder.appendingPathComponent("other.model")
        try ServerTest.writeModelFile(itemCount: 50, seed: 7, to: other)
        try await ServerTest.withService(
            try ServerTest.realLoader(other.path), path: other.path, loader: ServerTest.realLoader
        ) { service in
            _ = try await service.reload(path: checkpoint.path)
            #expect(try await service.recommend(query) == expected)
        }
    }
}
