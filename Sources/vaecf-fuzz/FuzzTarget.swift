import Foundation
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
                let model = try? file.usableAsModel()
            else { continue }
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
