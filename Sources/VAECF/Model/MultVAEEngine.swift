import VAECFCompute
import VAECFCore

/// Runs a `MultVAE`'s forward and backward passes: the sparse first layer on the CSR structure, dense
/// layers through ``GEMM``, the output layer and the softmax in row blocks (so no `[batch, items]` matrix is
/// ever held whole), and elementwise loops over both cores. Owns the scratch memory, which grows to the
/// largest batch seen and is then reused: the step loop allocates nothing.
///
/// Not thread-safe: one engine per training loop or per serving worker.
package final class MultVAEEngine: @unchecked Sendable {
    // @unchecked Sendable: handed to the one thread that uses it (a trainer, a server worker, a fit's thread),
    // never used by two at once; its scratch buffers are written by parallel loops in disjoint rows only.
    /// The dense product backend.
    package let gemm: GEMM
    /// The workers for the loops that BLAS does not cover.
    package let executor: ParallelExecutor
    /// Rows of the `[rows, items]` logits block processed at a time in training.
    package let logitBlockRows: Int

    let batchOffsets = ScratchBuffer<Int>()
    let batchIndices = ScratchBuffer<Int32>()
    let inputValues = ScratchBuffer<Float>()
    var encoderOutputs: [ScratchBuffer<Float>] = []
    var decoderOutputs: [ScratchBuffer<Float>] = []
    let epsilon = ScratchBuffer<Float>()
    let latent = ScratchBuffer<Float>()
    let logits = ScratchBuffer<Float>()
    let gradientA = ScratchBuffer<Float>()
    let gradientB = ScratchBuffer<Float>()
    let rowLosses = ScratchBuffer<Double>()
    let rowDivergences = ScratchBuffer<Double>()
    /// Float partial sums of the kernels' squares, one per unit of ``AdamKernel/unit`` values.
    let normPartials = ScratchBuffer<Float>()
    /// RecVAE's scratch memory.
    let recVAE = RecVAEWorkspace()
    /// The bfloat16 copy of a model's parameters kept by the trainer that uses this engine
    /// (``BFloat16ParameterCopy``): the dense layers of that model read it when the products are bfloat16.
    package var bfloat16Weights: BFloat16ParameterCopy?

    package init(gemm: GEMM, executor: ParallelExecutor, logitBlockRows: Int = 2048) {
        self.gemm = gemm
        self.executor = executor
        self.logitBlockRows = max(1, logitBlockRows)
    }

    // MARK: Batch input

    /// Copies rows `rows` of `data` into the engine's batch CSR and writes the encoder input values:
    /// `1 / sqrt(n)` per entry (the L2-normalized binary row), and with dropout `mask / keep / sqrt(n)`, the
    /// mask of local row `i` drawn from stream `firstStream + i`.
    func gatherBatch<Rows: Collection>(
        _ data: CSRMatrix, rows: Rows, dropout: (keepProbability: Double, seed: UInt64)?, firstStream: Int = 0
    ) where Rows.Element == Int {
        let batchSize = rows.count
        let offsets = batchOffsets.reserve(batchSize + 1)
        offsets[0] = 0
        var entryCount = 0
        for (local, row) in rows.enumerated() {
            entryCount += data.count(ofRow: row)
            offsets[local + 1] = entryCount
        }
        let indices = batchIndices.reserve(entryCount)
        let values = inputValues.reserve(entryCount)
        data.columnIndices.withUnsafeBufferPointer { source in
            data.rowOffsets.withUnsafeBufferPointer { sourceOffsets in
                for (local, row) in rows.enumerated() {
                    let start = sourceOffsets[row]
                    let count = sourceOffsets[row + 1] - start
                    (indices + offsets[local]).update(from: source.baseAddress! + start, count: count)
                }
            }
        }
        let keep = Float(dropout?.keepProbability ?? 1)
        executor.forEachChunk(count: batchSize, minimumChunk: 64) { _, chunk in
            for local in chunk {
                let start = offsets[local]
                let count = offsets[local + 1] - start
                guard count > 0 else { continue }
                let normalized = 1 / Float(count).squareRoot()
                if let dropout {
                    var random = RandomSource(seed: dropout.seed, stream: UInt64(firstStream + local))
                    let kept = normalized / keep
                    for entry in start..<(start + count) {
                        values[entry] = random.nextFloat() < keep ? kept : 0
                    }
                } else {
                    (values + start).update(repeating: normalized, count: count)
                }
            }
        }
    }

    // MARK: Layers

    /// Encoder layer `index` of `model` (of a Mult-VAE the last one is linear: it writes `mu | logvar`).
    func encoderLayer(_ model: MultVAE, _ index: Int) -> DenseLayer {
        let configuration = model.configuration
        let isLinear = index == model.layout.encoder.count - 1 && configuration.variational
        return DenseLayer(
            layout: model.layout, layer: model.layout.encoder[index],
            activation: isLinear ? nil : configuration.activation, gemm: gemm, executor: executor,
            weightCopy: weightCopy(of: model))
    }

    /// Decoder layer `index` of `model`; the last one, the output layer, is linear (it writes the logits).
    func decoderLayer(_ model: MultVAE, _ index: Int) -> DenseLayer {
        let isOutput = index == model.layout.decoder.count - 1
        return DenseLayer(
            layout: model.layout, layer: model.layout.decoder[index],
            activation: isOutput ? nil : model.configuration.activation, gemm: gemm, executor: executor,
            weightCopy: weightCopy(of: model))
    }

    /// ``bfloat16Weights`` when the products are bfloat16 and it mirrors `model`'s parameters, else `nil`.
    func weightCopy(of model: MultVAE) -> UnsafePointer<UInt16>? {
        guard gemm.precision == .bfloat16, let copy = bfloat16Weights, copy.source === model.parameters else {
            return nil
        }
        return UnsafePointer(copy.pointer)
    }

    /// The output layer `[width, items]` of `model` (linear: it writes the logits).
    func outputLayer(_ model: MultVAE) -> DenseLayer { decoderLayer(model, model.layout.decoder.count - 1) }

    /// The first `rows` rows of the batch that ``gatherBatch(_:rows:dropout:firstStream:)`` wrote.
    func gatheredRows(_ rows: Int) -> SparseRows {
        SparseRows(
            rowOffsets: batchOffsets.pointer, columnIndices: batchIndices.pointer, values: inputValues.pointer,
            count: rows)
    }

    /// Encoder forward for the gathered batch: fills `encoderOutputs`; the last one is `[rows, 2 * latent]`
    /// holding `mu | logvar` (Mult-DAE: `[rows, latent]`, through the hidden activation as in the paper).
    func encode(model: MultVAE, rows: Int) {
        let layers = model.layout.encoder
        let parameters = UnsafePointer(model.parameters.pointer)
        while encoderOutputs.count < layers.count { encoderOutputs.append(ScratchBuffer<Float>()) }
        for index in layers.indices {
            let layer = encoderLayer(model, index)
            let output = encoderOutputs[index].reserve(rows * layer.outputWidth)
            if index == 0 {
                layer.forward(parameters: parameters, sparseInput: gatheredRows(rows), output: output)
            } else {
                layer.forward(
                    parameters: parameters, input: encoderOutputs[index - 1].pointer, output: output, rows: rows)
            }
        }
    }

    /// Decoder hidden layers (all but the output layer) from `latent`; returns the input of the output layer.
    func decodeHidden(model: MultVAE, input: UnsafePointer<Float>, rows: Int) -> UnsafePointer<Float> {
        let hiddenLayers = model.layout.decoder.count - 1
        let parameters = UnsafePointer(model.parameters.pointer)
        while decoderOutputs.count < hiddenLayers { decoderOutputs.append(ScratchBuffer<Float>()) }
        var current = input
        for index in 0..<hiddenLayers {
            let layer = decoderLayer(model, index)
            let output = decoderOutputs[index].reserve(rows * layer.outputWidth)
            layer.forward(parameters: parameters, input: current, output: output, rows: rows)
            current = UnsafePointer(output)
        }
        return current
    }
}
