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
package struct ModelFile: Sendable {
    package static let magic = Array("VAECFMDL".utf8)
    package static let formatVersion: UInt32 = 1

    package enum Kind: String, Codable, Sendable { case model, checkpoint }

    /// Everything but the weights.
    package struct Header: Codable, Sendable {
        package var kind: Kind
        package var model: MultVAEConfiguration
        package var training: TrainingConfiguration?
        /// Original id of every item, in the model's output order.
        package var itemIDs: [String]
        package var datasetFingerprint: String
        /// Epochs completed.
        package var epoch: Int
        /// Updates applied.
        package var step: Int
        /// 0-based epoch of the best validation, -1 if none.
        package var bestEpoch: Int
        /// Best validation metrics.
        package var validation: RankingMetrics?
        /// GEMM backend and threads that produced it.
        package var backend: String
        package var threads: Int
        /// Float counts of the blocks that follow, in order.
        package var blocks: [Int] = []
        /// Which model the weights are; absent in files of earlier versions (Mult-VAE). For `.ease`, `model`
        /// records only the item count and the one weight block is EASE's `[items, items]` matrix.
        package var modelKind: ModelKind?
        /// EASE's L2 weight lambda (EASE files only).
        package var easeLambda: Double?
        /// The dense products' precision in training when it was not float32 (`ComputePrecision`); absent:
        /// float32. The weights are float32 either way, and serve in any precision.
        package var precision: ComputePrecision?
        /// Loss scaling's mode and state (checkpoints of runs that scale the loss only).
        package var lossScale: DynamicLossScale?
        /// The training users' block after the weights (see `TrainingUsers`); absent when the file keeps none.
        package var trainingUsers: TrainingUsersHeader?

        /// The model kind: EASE when recorded, else Mult-VAE or Mult-DAE as `model` says.
        package var resolvedKind: ModelKind {
            modelKind == .ease ? .ease : ModelKind(configuration: model)
        }

        /// Floats of one weight block of this model.
        package var parameterCount: Int {
            resolvedKind == .ease ? model.itemCount * model.itemCount : ParameterLayout(configuration: model).count
        }

        package init(
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
    package struct OptimizerState: Sendable {
        package var firstMoments: [Float]
        package var secondMoments: [Float]

        package init(firstMoments: [Float], secondMoments: [Float]) {
            self.firstMoments = firstMoments
            self.secondMoments = secondMoments
        }
    }

    package var header: Header
    /// The weights, `[layout.count]` in ``ParameterLayout`` order.
    package var parameters: [Float]
    package var optimizer: OptimizerState?
    package var bestParameters: [Float]?
    /// The file it was read from, for messages.
    package var path: String = ""
    /// Set by ``readModel(_:)`` when the weights come from a training checkpoint: a one-line note saying so.
    package var notice: String?
    /// The training users' rows, kept so that they can be asked for by id (`nil`: the file keeps none).
    package var trainingUsers: TrainingUsers?

    package init(header: Header, parameters: [Float], optimizer: OptimizerState?, bestParameters: [Float]?) {
        self.header = header
        self.parameters = parameters
        self.optimizer = optimizer
        self.bestParameters = bestParameters
    }

    /// The model these weights describe (Mult-VAE or Mult-DAE; `TrainedModel.init(file:)` for every kind).
    package func makeModel() -> MultVAE { MultVAE(configuration: header.model, parameters: parameters) }

    var floatBlocks: [[Float]] {
        var blocks = [parameters]
        if let optimizer { blocks += [optimizer.firstMoments, optimizer.secondMoments] }
        if let bestParameters { blocks.append(bestParameters) }
        return blocks
    }

    /// Writes the file atomically (temporary file, then rename).
    package func write(to url: URL) throws(ModelFileError) {
        let blocks = floatBlocks
        var header = header
        header.blocks = blocks.map(\.count)
        header.trainingUsers = trainingUsers.map(TrainingUsersHeader.init)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json: Data
        do { json = try encoder.encode(header) } catch {
            throw .unencodableHeader(path: url.path, reason: "\(error)")
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
                    do {
                        try handle.write(
                            contentsOf: Data(
                                bytesNoCopy: UnsafeMutableRawPointer(mutating: bytes.baseAddress!), count: bytes.count,
                                deallocator: .none))
                    } catch {
                        throw AtomicFileError(path: url.path, reason: error.localizedDescription)
                    }
                }
                func emit(_ values: [some BitwiseCopyable]) throws(AtomicFileError) {
                    let result = values.withUnsafeBytes { bytes in
                        Result { () throws(AtomicFileError) in try emit(bytes) }
                    }
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
