import Foundation
import VAECFCore

extension ModelFile {
    /// Which float blocks a read checks for NaN and infinity.
    package enum WeightCheck: Sendable {
        /// Every block: the weights, and for a checkpoint Adam's moments and the best weights (`train --resume`).
        case allBlocks
        /// Only the weights inference uses: a model's weights, a checkpoint's best-validation weights.
        case inferenceWeights
    }

    /// Size of the fixed prefix: magic, format version, header length.
    static let prefixSize = magic.count + 4 + 8

    /// Reads and verifies a model file or checkpoint.
    ///
    /// Every length and count in the file is checked against its size before use (a crafted file is refused,
    /// never trusted), the checksum is verified and the weights named by `check` must be finite.
    /// - Throws: ``ModelFileError`` for a missing, foreign, truncated, corrupt or inconsistent file.
    package static func read(_ url: URL, check: WeightCheck = .allBlocks) throws(ModelFileError) -> ModelFile {
        let path = url.path
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        let result = data.withUnsafeBytes { bytes in
            Result { () throws(ModelFileError) in try decode(bytes, path: path, check: check) }
        }
        return try result.get()
    }

    /// Decodes the bytes of a model file or checkpoint; `path` names it in errors.
    /// - Throws: ``ModelFileError`` as ``read(_:check:)`` does; no input traps.
    package static func decode(
        _ bytes: UnsafeRawBufferPointer, path: String, check: WeightCheck = .allBlocks
    ) throws(ModelFileError) -> ModelFile {
        let headerLength = try headerLength(of: bytes, path: path)
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(bytes[prefixSize..<(prefixSize + headerLength)]))
        } catch {
            throw .damagedHeader(path: path, reason: "\(error)")
        }
        let layoutCount = try validatedBlockLength(of: header, fileSize: bytes.count, path: path)
        // Each block is at most the file's size (checked above), so this product cannot overflow.
        let payload = bytes.count - prefixSize - headerLength - 8
        let weightBytes = header.blocks.count * layoutCount * MemoryLayout<Float>.size
        let expected = weightBytes + (try trainingUsersByteCount(of: header, fileSize: bytes.count, path: path))
        guard expected == payload else {
            let total = bytes.count - payload + expected
            throw expected > payload
                ? .truncated(path: path, size: bytes.count, expected: "the \(total) bytes its header describes")
                : .trailingBytes(path: path, count: payload - expected)
        }
        let stored = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self))
        guard Checksum64.of(UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count - 8)])) == stored else {
            throw .checksumMismatch(path: path)
        }
        let blocks = copyBlocks(bytes, from: prefixSize + headerLength, count: header.blocks.count, length: layoutCount)
        let tensors = weightTensors(header)
        for index in blocksToCheck(kind: header.kind, check) {
            if let problem = NonFiniteWeights.find(in: blocks[index], tensors: tensors) {
                throw .nonFiniteWeights(path: path, block: blockName(index, kind: header.kind), problem: problem)
            }
        }
        let isCheckpoint = header.kind == .checkpoint
        var file = ModelFile(
            header: header, parameters: blocks[0],
            optimizer: isCheckpoint ? OptimizerState(firstMoments: blocks[1], secondMoments: blocks[2]) : nil,
            bestParameters: isCheckpoint ? blocks[3] : nil)
        file.path = path
        file.trainingUsers = try decodeTrainingUsers(
            bytes, from: prefixSize + headerLength + weightBytes, header: header, path: path)
        return file
    }

    /// The header length in the prefix, checked to leave room for the checksum.
    static func headerLength(of bytes: UnsafeRawBufferPointer, path: String) throws(ModelFileError) -> Int {
        guard Array(bytes.prefix(magic.count)) == Array(magic.prefix(bytes.count)) else {
            throw .notAModelFile(path: path)
        }
        guard bytes.count >= prefixSize + 8 else {
            throw .truncated(path: path, size: bytes.count, expected: "a header")
        }
        let version = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: magic.count, as: UInt32.self))
        guard version == formatVersion else {
            throw .unsupportedVersion(path: path, found: version, supported: formatVersion)
        }
        let length = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: magic.count + 4, as: UInt64.self))
        // Compared with the bytes left, never added to an offset first: a length near 2^64 cannot overflow.
        guard length <= UInt64(bytes.count - prefixSize - 8) else {
            throw .truncated(path: path, size: bytes.count, expected: "its header of \(length) bytes")
        }
        return Int(length)
    }

    /// `count` blocks of `length` floats each, copied out of `bytes` from `offset` (sizes checked by the caller).
    static func copyBlocks(_ bytes: UnsafeRawBufferPointer, from offset: Int, count: Int, length: Int) -> [[Float]] {
        (0..<count).map { block in
            let start = offset + block * length * MemoryLayout<Float>.size
            return [Float](unsafeUninitializedCapacity: length) { buffer, initialized in
                if length > 0 {
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(
                        from: UnsafeRawBufferPointer(
                            rebasing: bytes[start..<(start + length * MemoryLayout<Float>.size)]))
                }
                initialized = length
            }
        }
    }

    /// Indices of the blocks a read checks for finite values.
    static func blocksToCheck(kind: Kind, _ check: WeightCheck) -> [Int] {
        switch (kind, check) {
        case (.model, _): [0]
        case (.checkpoint, .allBlocks): [0, 1, 2, 3]
        case (.checkpoint, .inferenceWeights): [3]
        }
    }

    /// The name of a float block in messages.
    static func blockName(_ index: Int, kind: Kind) -> String {
        guard kind == .checkpoint else { return "weights" }
        return ["weights", "Adam first moments", "Adam second moments", "best-validation weights"][index]
    }
}
