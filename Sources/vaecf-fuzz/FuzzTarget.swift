import Foundation
import Hummingbird
#if DEBUG
// The request decoding is internal to the server; debug builds (the only ones Scripts/fuzz.sh makes) can see it.
@testable import VAECFServer
#endif
import VAECF
import VAECFCore
import VAECFData

/// What a fuzz run feeds its input to. Every target must return normally for every input: a decoder may
/// refuse the bytes with its error, never trap.
enum FuzzTarget: String, CaseIterable, Sendable {
    /// ``DatasetFile/decode(_:file:)``, on the input and on the input with its length and checksum fixed up.
    case dataset
    /// ``ModelFile/decode(_:path:check:)`` and the checkpoint-as-model path, likewise resealed.
    case model
    /// ``InteractionReader`` on the input as a text file, format and threads chosen by its first byte.
    case reader
    /// The server's JSON request decoding and query validation.
    case request

    /// Runs the target once on `bytes`.
    func run(_ bytes: UnsafeRawBufferPointer) {
        switch self {
        case .dataset: FuzzDecoders.dataset(bytes)
        case .model: FuzzDecoders.model(bytes)
        case .reader: FuzzReader.run(bytes)
        case .request: FuzzRequest.run(bytes)
        }
    }
}

/// The binary decoders. A random change almost always breaks the checksum, so each input is also tried with
/// the checksum (and the dataset's declared length) recomputed, to reach the parsers behind it.
enum FuzzDecoders {
    static func dataset(_ bytes: UnsafeRawBufferPointer) {
        _ = try? DatasetFile.decode(bytes, file: "fuzz")
        guard bytes.count >= 40 else { return }
        var sealed = Array(bytes)
        withUnsafeBytes(of: UInt64(sealed.count).littleEndian) { sealed.replaceSubrange(16..<24, with: $0) }
        reseal(&sealed)
        _ = sealed.withUnsafeBytes { try? DatasetFile.decode($0, file: "fuzz") }
    }

    static func model(_ bytes: UnsafeRawBufferPointer) {
        _ = try? ModelFile.decode(bytes, path: "fuzz")
        guard bytes.count >= 8 else { return }
        var sealed = Array(bytes)
        reseal(&sealed)
        for check in [ModelFile.WeightCheck.allBlocks, .inferenceWeights] {
            guard let file = sealed.withUnsafeBytes({ try? ModelFile.decode($0, path: "fuzz", check: check) }),
                  let model = try? file.usableAsModel() else { continue }
            // A file that loads must give a model and a layout that agree.
            let network = model.makeModel()
            precondition(network.layout.count == model.parameters.count, "a loaded model does not fit its layout")
        }
    }

    /// Replaces the last 8 bytes with the ``Checksum64`` of the others.
    static func reseal(_ bytes: inout [UInt8]) {
        let body = bytes.count - 8
        let checksum = bytes.withUnsafeBytes { Checksum64.of(UnsafeRawBufferPointer(rebasing: $0[0..<body])) }
        withUnsafeBytes(of: checksum.littleEndian) { bytes.replaceSubrange(body..<bytes.count, with: $0) }
    }
}

/// The interaction reader, through a real file (it maps the file it reads).
enum FuzzReader {
    static let formats = InteractionFormat.allCases
    static let file = URL(fileURLWithPath: NSTemporaryDirectory())
        .appendingPathComponent("vaecf-fuzz-reader-\(getpid()).txt")

    static func run(_ bytes: UnsafeRawBufferPointer) {
        guard let first = bytes.first else { return }
        let text = UnsafeRawBufferPointer(rebasing: bytes[1...])
        guard FileManager.default.createFile(atPath: file.path, contents: Data(text)) else { return }
        var options = ReaderOptions()
        options.format = formats[Int(first) % formats.count]
        options.threadCount = first & 0x80 == 0 ? 1 : 3
        if first & 0x40 != 0 { options.ratingColumn = "rating" }
        if options.format == .auto { _ = try? InteractionReader.detectFormat(file) }
        guard let table = try? InteractionReader.read(file, options: options) else { return }
        precondition(table.users.count == table.items.count, "a table with unmatched users and items")
        precondition(table.users.allSatisfy { Int($0) < table.userIDs.count }, "a user index out of range")
        precondition(table.items.allSatisfy { Int($0) < table.itemIDs.count }, "an item index out of range")
    }
}

#if DEBUG
/// The server's request decoding: single and batch bodies, then query validation against a 50-item model.
enum FuzzRequest {
    static let decoding = RequestDecoding(limits: ServerLimits(
        maxBatch: 64, maxWaitMilliseconds: 1, maxItems: 100, maxBodyBytes: 1 << 16, maxUsersPerRequest: 16))

    static func run(_ bytes: UnsafeRawBufferPointer) {
        let buffer = ByteBuffer(bytes: bytes)
        if let single = try? decoding.decode(RecommendRequest.self, from: buffer) {
            _ = try? decoding.query(single, itemCount: 50)
        }
        if let batch = try? decoding.decode(BatchRecommendRequest.self, from: buffer) {
            _ = try? decoding.queries(batch, itemCount: 50)
        }
    }
}
#else
enum FuzzRequest {
    static func run(_ bytes: UnsafeRawBufferPointer) {
        fatalError("the request target needs a debug build: the server's request decoding is internal")
    }
}
#endif
