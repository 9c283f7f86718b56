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
    /// Float partial sums of the kernels' squares, one per ``normBlock`` values.
    let normPartials = ScratchBuffer<Float>()
    static let normBlock = 1024
    /// RecVAE's scratch memory.
    let recVAE = RecVAEWorkspace()

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

    /// `output[rows, layer.output] = input[rows, layer.input] * W + b`, then the activation unless `linear`.
    func denseForward(
        model: MultVAE, weight: Int, bias: Int, input: UnsafePointer<Float>, rows: Int,
        output: UnsafeMutablePointer<Float>, linear: Bool
    ) {
        let tensor = model.layout.tensors[weight]
        gemm.multiply(
            transposeA: false, transposeB: false, m: rows, n: tensor.columns, k: tensor.rows, alpha: 1,
            a: input, lda: tensor.rows, b: model.tensor(weight), ldb: tensor.columns, beta: 0, c: output,
            ldc: tensor.columns)
        addBiasAndActivate(model: model, bias: bias, output: output, rows: rows, width: tensor.columns, linear: linear)
    }

    func addBiasAndActivate(
        model: MultVAE, bias: Int, output: UnsafeMutablePointer<Float>, rows: Int, width: Int, linear: Bool
    ) {
        let biasPointer = UnsafePointer(model.tensor(bias))
        let activation = model.configuration.activation
        executor.forEachChunk(count: rows, minimumChunk: 32) { _, chunk in
            for row in chunk {
                let destination = output + row * width
                VectorMath.add(biasPointer, to: destination, count: width)
                if !linear { activation.apply(destination, count: width) }
            }
        }
    }

    /// Encoder forward for the gathered batch: fills `encoderOutputs`; the last one is `[rows, 2 * latent]`
    /// holding `mu | logvar` (Mult-DAE: `[rows, latent]`, through the hidden activation as in the paper).
    func encode(model: MultVAE, rows: Int) {
        let layers = model.layout.encoder
        let variational = model.configuration.variational
        while encoderOutputs.count < layers.count { encoderOutputs.append(ScratchBuffer<Float>()) }
        for (index, layer) in layers.enumerated() {
            let tensor = model.layout.tensors[layer.weight]
            let output = encoderOutputs[index].reserve(rows * tensor.columns)
            let isLast = index == layers.count - 1 && variational
            if index == 0 {
                SparseProducts.multiply(
                    rowOffsets: batchOffsets.pointer, columnIndices: batchIndices.pointer, rows: 0..<rows,
                    values: inputValues.pointer, weights: model.tensor(layer.weight), width: tensor.columns,
                    output: output, executor: executor)
                addBiasAndActivate(
                    model: model, bias: layer.bias, output: output, rows: rows, width: tensor.columns, linear: isLast)
            } else {
                let previous = encoderOutputs[index - 1].pointer
                denseForward(
                    model: model, weight: layer.weight, bias: layer.bias, input: previous, rows: rows,
                    output: output, linear: isLast)
            }
        }
    }

    /// Decoder hidden layers (all but the output layer) from `latent`; returns the input of the output layer.
    func decodeHidden(model: MultVAE, input: UnsafePointer<Float>, rows: Int) -> UnsafePointer<Float> {
        let layers = model.layout.decoder
        while decoderOutputs.count < layers.count - 1 { decoderOutputs.append(ScratchBuffer<Float>()) }
        var current = input
        for index in 0..<(layers.count - 1) {
            let tensor = model.layout.tensors[layers[index].weight]
            let output = decoderOutputs[index].reserve(rows * tensor.columns)
            denseForward(
                model: model, weight: layers[index].weight, bias: layers[index].bias, input: current, rows: rows,
                output: output, linear: false)
            current = UnsafePointer(output)
        }
        return current
    }
}
