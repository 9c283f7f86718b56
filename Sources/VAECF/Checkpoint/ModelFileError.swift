import Foundation
import VAECFCore

/// A model file or checkpoint that cannot be read, used or written. Each case names the file (`path`) and,
/// where there is one, what was expected; ``description`` is one line for logs and error messages, e.g.
/// `model.vaecf: the file is truncated (1024 bytes cannot hold the weights of its configuration)`.
public enum ModelFileError: Error, Equatable, LocalizedError, CustomStringConvertible {
    /// The file could not be opened or mapped (missing, a directory, no permission); `reason` is the system's.
    case unreadable(path: String, reason: String)
    /// The file does not start with vaecf's magic bytes.
    case notAModelFile(path: String)
    /// The file's format version is not the one this build reads.
    case unsupportedVersion(path: String, found: UInt32, supported: UInt32)
    /// The file is shorter than its header says: `size` bytes cannot hold `expected` (e.g. "its header of 900
    /// bytes", "the weights of its configuration").
    case truncated(path: String, size: Int, expected: String)
    /// The file has `count` bytes after everything its header describes.
    case trailingBytes(path: String, count: Int)
    /// The JSON header does not decode.
    case damagedHeader(path: String, reason: String)
    /// The header decodes but describes something impossible (a network, counters, settings, blocks).
    case inconsistentHeader(path: String, problem: String)
    /// The stored checksum does not match the bytes.
    case checksumMismatch(path: String)
    /// A weight block holds a NaN or an infinity: `block` names it, `problem` the tensor and position.
    case nonFiniteWeights(path: String, block: String, problem: String)
    /// The block of training users (ids and rows) is inconsistent.
    case inconsistentTrainingUsers(path: String, problem: String)
    /// A training checkpoint that has no validated epoch yet, so no best weights to serve.
    case noBestWeights(path: String)
    /// A model file given where a checkpoint (with the optimizer state) is needed.
    case notACheckpoint(path: String)
    /// A checkpoint made for another dataset than the one given (fingerprints).
    case datasetMismatch(path: String, checkpointDataset: String, givenDataset: String)
    /// The header could not be encoded while writing.
    case unencodableHeader(path: String, reason: String)
    /// The file could not be written (the temporary file or the rename failed).
    case unwritable(AtomicFileError)

    /// The file the error is about.
    public var path: String {
        switch self {
        case .unreadable(let path, _), .notAModelFile(let path), .unsupportedVersion(let path, _, _),
            .truncated(let path, _, _), .trailingBytes(let path, _), .damagedHeader(let path, _),
            .inconsistentHeader(let path, _), .checksumMismatch(let path), .nonFiniteWeights(let path, _, _),
            .inconsistentTrainingUsers(let path, _), .noBestWeights(let path), .notACheckpoint(let path),
            .datasetMismatch(let path, _, _), .unencodableHeader(let path, _):
            return path
        case .unwritable(let error): return error.path
        }
    }

    /// The text for logs, messages and errors: `path: what is wrong`.
    public var description: String {
        if case .unwritable(let error) = self { return error.description }
        return "\(path): \(problem)"
    }

    /// The same text as `description`.
    public var errorDescription: String? { description }

    /// What is wrong with the file, without its path.
    var problem: String {
        switch self {
        case .unreadable(_, let reason): "cannot read it (\(reason))"
        case .notAModelFile: "not a vaecf model or checkpoint (wrong magic bytes)"
        case .unsupportedVersion(_, let found, let supported):
            "format version \(found) is not supported (this build reads version \(supported))"
        case .truncated(_, let size, let expected): "the file is truncated (\(size) bytes cannot hold \(expected))"
        case .trailingBytes(_, let count): "the file has \(count) unexpected trailing bytes"
        case .damagedHeader(_, let reason): "the header is damaged (\(reason))"
        case .inconsistentHeader(_, let problem): problem
        case .checksumMismatch: "checksum mismatch: the file is corrupt"
        case .nonFiniteWeights(_, let block, let problem): "\(block): \(problem); refusing weights that are not finite"
        case .inconsistentTrainingUsers(_, let problem): "its training users are inconsistent: \(problem)"
        case .noBestWeights:
            "it is a training checkpoint without a validated epoch yet, so it has no best weights to use; train "
                + "further or pass the model file"
        case .notACheckpoint: "it is a model file without training state; resume needs a checkpoint"
        case .datasetMismatch(_, let checkpointDataset, let givenDataset):
            "it was made for dataset \(checkpointDataset), not for this one (\(givenDataset))"
        case .unencodableHeader(_, let reason): "cannot encode the header: \(reason)"
        case .unwritable(let error): error.description
        }
    }
}
