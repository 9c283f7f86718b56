import Foundation
import VAECFCompute
import VAECFCore

/// A saved model or training checkpoint, one versioned binary file:
///
///     "VAECFMDL" | format version (UInt32 LE) | header length (UInt64 LE) | header (JSON)
///     | float blocks (parameters, then for checkpoints Adam's first and second moments and the best weights)
///     | checksum (UInt64 LE, ``Checksum64`` of everything before it)
///
/// A model file (`kind == .model`) holds the best-validation weights for `test`, `recommend` and `serve`;
/// a checkpoint (`kind == .checkpoint`) also holds what `train --resume` needs to continue bit for bit.
/// Both record the item ids and the fingerprint of the dataset they were trained on.
public struct ModelFile: Sendable {
    public static let magic = Array("VAECFMDL".utf8)
    public static let formatVersion: UInt32 = 1

    public enum Kind: String, Codable, Sendable { case model, checkpoint }

    /// Everything but the weights.
    public struct Header: Codable, Sendable {
        public var kind: Kind
        public var model: MultVAEConfiguration
        public var training: TrainingConfiguration?
        /// Original id of every item, in the model's output order.
        public var itemIDs: [String]
        public var datasetFingerprint: String
        /// Epochs completed.
        public var epoch: Int
        /// Updates applied.
        public var step: Int
        /// 0-based epoch of the best validation, -1 if none.
        public var bestEpoch: Int
        /// Best validation metrics.
        public var validation: RankingMetrics?
        /// GEMM backend and threads that produced it.
        public var backend: String
        public var threads: Int
        /// Float counts of the blocks that follow, in order.
        public var blocks: [Int] = []
        /// Which model the weights are; absent in files of earlier versions (Mult-VAE). For `.ease`, `model`
        /// records only the item count and the one weight block is EASE's `[items, items]` matrix.
        public var modelKind: ModelKind?
        /// EASE's L2 weight lambda (EASE files only).
        public var easeLambda: Double?
        /// The dense products' precision in training when it was not float32 (`ComputePrecision`); absent:
        /// float32. The weights are float32 either way, and serve in any precision.
        public var precision: ComputePrecision?
        /// Loss scaling's mode and state (checkpoints of runs that scale the loss only).
        public var lossScale: DynamicLossScale?
        /// The training users' block after the weights (see ``TrainingUsers``); absent when the file keeps none.
        public var trainingUsers: TrainingUsersHeader?

        /// The model kind: EASE when recorded, else Mult-VAE or Mult-DAE as `model` says.
        public var resolvedKind: ModelKind {
            modelKind == .ease ? .ease : ModelKind(configuration: model)
        }

        /// Floats of one weight block of this model.
        public var parameterCount: Int {
            resolvedKind == .ease ? model.itemCount * model.itemCount : ParameterLayout(configuration: model).count
        }

        public init(
            kind: Kind, model: MultVAEConfiguration, training: TrainingConfiguration?, itemIDs: [String],
            datasetFingerprint: String, epoch: Int, step: Int, bestEpoch: Int, validation: RankingMetrics?,
            backend: String, threads: Int, modelKind: ModelKind? = nil, easeLambda: Double? = nil,
            precision: ComputePrecision? = nil, lossScale: DynamicLossScale? = nil
        ) {
            self.kind = kind
            self.model = model
            self.training = training
            self.itemIDs = itemIDs
            self.datasetFingerprint = datasetFingerprint
            self.epoch = epoch
            self.step = step
            self.bestEpoch = bestEpoch
            self.validation = validation
            self.backend = backend
            self.threads = threads
            self.modelKind = modelKind
            self.easeLambda = easeLambda
            self.precision = precision
            self.lossScale = lossScale
        }
    }

    /// Adam's state.
    public struct OptimizerState: Sendable {
        public var firstMoments: [Float]
        public var secondMoments: [Float]

        public init(firstMoments: [Float], secondMoments: [Float]) {
            self.firstMoments = firstMoments
            self.secondMoments = secondMoments
        }
    }

    public var header: Header
    /// The weights, `[layout.count]` in ``ParameterLayout`` order.
    public var parameters: [Float]
    public var optimizer: OptimizerState?
    public var bestParameters: [Float]?
    /// The file it was read from, for messages.
    public var path: String = ""
    /// Set by ``readModel(_:)`` when the weights come from a training checkpoint: a one-line note saying so.
    public var notice: String?
    /// The training users' rows, kept so that they can be asked for by id (`nil`: the file keeps none).
    public var trainingUsers: TrainingUsers?

    public init(header: Header, parameters: [Float], optimizer: OptimizerState?, bestParameters: [Float]?) {
        self.header = header
        self.parameters = parameters
        self.optimizer = optimizer
        self.bestParameters = bestParameters
    }

    /// The model these weights describe (Mult-VAE or Mult-DAE; ``TrainedModel/init(file:)`` for every kind).
    public func makeModel() -> MultVAE { MultVAE(configuration: header.model, parameters: parameters) }

    var floatBlocks: [[Float]] {
        var blocks = [parameters]
        if let optimizer { blocks += [optimizer.firstMoments, optimizer.secondMoments] }
        if let bestParameters { blocks.append(bestParameters) }
        return blocks
    }

    /// Writes the file atomically (temporary file, then rename).
    public func write(to url: URL) throws(ModelFileError) {
        let blocks = floatBlocks
        var header = header
        header.blocks = blocks.map(\.count)
        header.trainingUsers = trainingUsers.map(TrainingUsersHeader.init)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json: Data
        do { json = try encoder.encode(header) } catch {
            throw .invalid(path: url.path, reason: "cannot encode the header: \(error)")
        }
        var prefix = [UInt8]()
        prefix += Self.magic
        withUnsafeBytes(of: Self.formatVersion.littleEndian) { prefix += $0 }
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { prefix += $0 }
        prefix += json
        do {
            try AtomicFile.write(to: url) { handle throws(AtomicFileError) in
                var checksum = Checksum64()
                func emit(_ bytes: UnsafeRawBufferPointer) throws(AtomicFileError) {
                    checksum.update(bytes)
                    do { try handle.write(contentsOf: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: bytes.baseAddress!), count: bytes.count, deallocator: .none)) } catch {
                        throw AtomicFileError(path: url.path, reason: error.localizedDescription)
                    }
                }
                func emit(_ values: [some BitwiseCopyable]) throws(AtomicFileError) {
                    let result = values.withUnsafeBytes { bytes in Result { () throws(AtomicFileError) in try emit(bytes) } }
                    try result.get()
                }
                try emit(prefix)
                for block in blocks where !block.isEmpty { try emit(block) }
                if let trainingUsers { try emit(Self.encodedTrainingUsers(trainingUsers)) }
                let sum = checksum.finalize().littleEndian
                do { try handle.write(contentsOf: withUnsafeBytes(of: sum) { Data($0) }) } catch {
                    throw AtomicFileError(path: url.path, reason: error.localizedDescription)
                }
            }
        } catch {
            throw .unwritable(error)
        }
    }
}

/// A model file or checkpoint that cannot be used.
public enum ModelFileError: Error, LocalizedError, CustomStringConvertible {
    case invalid(path: String, reason: String)
    case unwritable(AtomicFileError)

    public var description: String {
        switch self {
        case .invalid(let path, let reason): return "\(path): \(reason)"
        case .unwritable(let error): return error.description
        }
    }

    public var errorDescription: String? { description }
}
