import VAECFCompute
import VAECFCore

/// One fully connected layer `output = activation(input W + b)` of a model whose tensors live in one flat
/// buffer: the weight `W [input, output]` and bias `b [1, output]` descriptors from ``ParameterLayout``, the
/// activation (`nil`: linear), and the ``GEMM`` that runs its products, so the products' precision
/// (``GEMM/withPrecision(_:)``) is chosen once, where the layer is made.
///
/// Every buffer is the caller's (the engine's scratch memory): rows are row-major `[rows, width]`, the
/// parameters and gradients are flat buffers holding the tensors at their layout offsets. Nothing is allocated.
struct DenseLayer {
    let weight: ParameterTensor
    let bias: ParameterTensor
    /// Applied after the bias; `nil` for a linear layer.
    let activation: Activation?
    let gemm: GEMM
    /// The workers for the row and column loops (bias, activation, column sums).
    let executor: ParallelExecutor
    /// The bfloat16 copy of the flat parameters (``BFloat16ParameterCopy``) that the dense products read
    /// instead of the float weights, or `nil`: the products read `parameters` (and round them when `gemm` is
    /// bfloat16). Set only when the copy mirrors the `parameters` the layer is called with.
    let weightCopy: UnsafePointer<UInt16>?

    /// Layer `layer` (indices into `layout.tensors`) of `layout`.
    init(
        layout: ParameterLayout, layer: (weight: Int, bias: Int), activation: Activation?, gemm: GEMM,
        executor: ParallelExecutor, weightCopy: UnsafePointer<UInt16>? = nil
    ) {
        weight = layout.tensors[layer.weight]
        bias = layout.tensors[layer.bias]
        self.activation = activation
        self.gemm = gemm
        self.executor = executor
        self.weightCopy = weightCopy
    }

    /// Width of the layer's input (the weight's rows).
    var inputWidth: Int { weight.rows }
    /// Width of the layer's output (the weight's columns).
    var outputWidth: Int { weight.columns }

    // MARK: Forward

    /// `output[rows, outputWidth] = activation(input[rows, inputWidth] W + b)`.
    func forward(
        parameters: UnsafePointer<Float>, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, rows: Int
    ) {
        multiply(parameters: parameters, input: input, output: output, rows: rows)
        addBiasAndActivate(parameters: parameters, output: output, rows: rows)
    }

    /// `output[rows, outputWidth] = sparseInput W + b` through the activation, for a first layer whose input is
    /// the gathered batch's CSR rows (`inputWidth` columns).
    func forward(parameters: UnsafePointer<Float>, sparseInput: SparseRows, output: UnsafeMutablePointer<Float>) {
        multiply(parameters: parameters, sparseInput: sparseInput, output: output)
        addBiasAndActivate(parameters: parameters, output: output, rows: sparseInput.count)
    }

    /// `output[rows, outputWidth] = input W` (no bias, no activation).
    func multiply(
        parameters: UnsafePointer<Float>, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, rows: Int
    ) {
        gemm.multiply(
            transposeA: false, transposeB: false, m: rows, n: outputWidth, k: inputWidth, alpha: 1, a: input,
            lda: inputWidth, b: parameters + weight.offset, bfloat16B: weightCopy.map { $0 + weight.offset },
            ldb: outputWidth, beta: 0, c: output, ldc: outputWidth)
    }

    /// `output[sparseInput.count, outputWidth] = sparseInput W` (no bias, no activation).
    func multiply(parameters: UnsafePointer<Float>, sparseInput: SparseRows, output: UnsafeMutablePointer<Float>) {
        SparseProducts.multiply(
            rowOffsets: sparseInput.rowOffsets, columnIndices: sparseInput.columnIndices, rows: 0..<sparseInput.count,
            values: sparseInput.values, weights: parameters + weight.offset, width: outputWidth, output: output,
            executor: executor)
    }

    /// `output[row] = activation(output[row] + b)` for every row.
    func addBiasAndActivate(parameters: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, rows: Int) {
        let biasValues = parameters + bias.offset
        let width = outputWidth
        let activation = activation
        executor.forEachChunk(count: rows, minimumChunk: 32) { _, chunk in
            for row in chunk {
                let destination = output + row * width
                VectorMath.add(biasValues, to: destination, count: width)
                activation?.apply(destination, count: width)
            }
        }
    }

    // MARK: Backward

    /// Backward from `outputGradient [rows, outputWidth]` (scaled in place by the activation's derivative,
    /// read through `output`): accumulates `dW += input^T dOut` and `db += colsum(dOut)` into `gradients`, and
    /// writes `inputGradient [rows, inputWidth] = dOut W^T`.
    func backward(
        parameters: UnsafePointer<Float>, input: UnsafePointer<Float>, output: UnsafePointer<Float>,
        outputGradient: UnsafeMutablePointer<Float>, inputGradient: UnsafeMutablePointer<Float>, rows: Int,
        gradients: UnsafeMutablePointer<Float>
    ) {
        activationAndBiasBackward(output: output, outputGradient: outputGradient, rows: rows, gradients: gradients)
        accumulateWeightGradient(input: input, outputGradient: outputGradient, rows: rows, gradients: gradients)
        propagate(parameters: parameters, outputGradient: outputGradient, inputGradient: inputGradient, rows: rows)
    }

    /// Backward for a first layer read from CSR rows: the activation's derivative and the bias gradient as in
    /// the dense backward, the weight's gradient from the sparse input, and no input gradient.
    func backward(
        sparseInput: SparseRows, output: UnsafePointer<Float>, outputGradient: UnsafeMutablePointer<Float>,
        gradients: UnsafeMutablePointer<Float>
    ) {
        activationAndBiasBackward(
            output: output, outputGradient: outputGradient, rows: sparseInput.count, gradients: gradients)
        accumulateWeightGradient(sparseInput: sparseInput, outputGradient: outputGradient, gradients: gradients)
    }

    /// `outputGradient` scaled in place by the activation's derivative (nothing for a linear layer), then
    /// `db += colsum(outputGradient)`.
    func activationAndBiasBackward(
        output: UnsafePointer<Float>, outputGradient: UnsafeMutablePointer<Float>, rows: Int,
        gradients: UnsafeMutablePointer<Float>
    ) {
        let width = outputWidth
        if let activation {
            executor.forEachChunk(count: rows, minimumChunk: 32) { _, chunk in
                for row in chunk {
                    activation.backward(
                        output: output + row * width, gradient: outputGradient + row * width, count: width)
                }
            }
        }
        accumulateBiasGradient(outputGradient: outputGradient, rows: rows, gradients: gradients)
    }

    /// `db += colsum(outputGradient [rows, outputWidth])`, columns split between the workers (each column's
    /// rows added in order: the same bits for any split).
    func accumulateBiasGradient(
        outputGradient: UnsafePointer<Float>, rows: Int, gradients: UnsafeMutablePointer<Float>,
        minimumColumns: Int = 64
    ) {
        let width = outputWidth
        let sums = gradients + bias.offset
        executor.forEachChunk(count: width, minimumChunk: minimumColumns) { _, columns in
            VectorMath.addColumnSums(
                of: outputGradient + columns.lowerBound, rows: rows, columns: columns.count, stride: width,
                into: sums + columns.lowerBound)
        }
    }

    /// `dW += input[rows, inputWidth]^T outputGradient[rows, outputWidth]`; `dW =` when `overwriting` (the
    /// gradient's previous contents are not read).
    func accumulateWeightGradient(
        input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>, rows: Int,
        gradients: UnsafeMutablePointer<Float>, overwriting: Bool = false
    ) {
        gemm.multiply(
            transposeA: true, transposeB: false, m: inputWidth, n: outputWidth, k: rows, alpha: 1, a: input,
            lda: inputWidth, b: outputGradient, ldb: outputWidth, beta: overwriting ? 0 : 1,
            c: gradients + weight.offset, ldc: outputWidth)
    }

    /// `dW += sparseInput^T outputGradient[sparseInput.count, outputWidth]`.
    func accumulateWeightGradient(
        sparseInput: SparseRows, outputGradient: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>
    ) {
        SparseProducts.accumulateTransposeProduct(
            rowOffsets: sparseInput.rowOffsets, columnIndices: sparseInput.columnIndices, rows: 0..<sparseInput.count,
            values: sparseInput.values, gradient: outputGradient, width: outputWidth,
            weightGradient: gradients + weight.offset, executor: executor)
    }

    /// `inputGradient[rows, inputWidth] = outputGradient W^T`, or `+=` when `accumulating`.
    func propagate(
        parameters: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>, rows: Int, accumulating: Bool = false
    ) {
        gemm.multiply(
            transposeA: false, transposeB: true, m: rows, n: inputWidth, k: outputWidth, alpha: 1, a: outputGradient,
            lda: outputWidth, b: parameters + weight.offset, bfloat16B: weightCopy.map { $0 + weight.offset },
            ldb: outputWidth, beta: accumulating ? 1 : 0, c: inputGradient, ldc: inputWidth)
    }
}

/// Rows of a sparse batch in CSR form (the engine's gathered batch): row `r`'s entries are
/// `rowOffsets[r] ..< rowOffsets[r + 1]` of `columnIndices` and `values`.
struct SparseRows {
    let rowOffsets: UnsafePointer<Int>
    let columnIndices: UnsafePointer<Int32>
    let values: UnsafePointer<Float>
    /// Number of rows.
    let count: Int
}
