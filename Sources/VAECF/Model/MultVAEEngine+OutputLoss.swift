import Foundation
import VAECFCompute
import VAECFCore

extension MultVAEEngine {
    /// The output layer, the softmax and the multinomial likelihood of the gathered batch, block by block
    /// (``logitBlockRows`` rows of `[rows, items]` logits at a time, never the whole matrix): writes each row's
    /// negative log-likelihood into `losses`, and, divided by `globalBatchSize`, accumulates the output layer's
    /// weight and bias gradients (when `weightGradients`) and writes the gradient of its input (when
    /// `inputGradient` is given, `[rows, width]`); the gradients are those of `lossScale` times the loss.
    func outputLayerLossAndGradients(
        model: MultVAE, input outputInput: UnsafePointer<Float>, rows batchSize: Int, globalBatchSize: Int,
        lossScale: Float = 1, gradients: FloatBuffer, weightGradients: Bool,
        inputGradient gradientOfHidden: UnsafeMutablePointer<Float>?,
        losses: UnsafeMutablePointer<Double>
    ) {
        let itemCount = model.configuration.itemCount
        let outputLayer = model.layout.decoder[model.layout.decoder.count - 1]
        let outputTensor = model.layout.tensors[outputLayer.weight]
        let hiddenWidth = outputTensor.rows
        let blockRows = min(logitBlockRows, batchSize)
        let block = logits.reserve(blockRows * itemCount)
        // The gradient seeds: 1 / B per term, times the loss scale.
        let inverseBatch = lossScale / Float(globalBatchSize)
        let outputWeight = UnsafePointer(model.tensor(outputLayer.weight))
        let outputBias = UnsafePointer(model.tensor(outputLayer.bias))
        let outputWeightGradient = gradients.pointer + outputTensor.offset
        let outputBiasGradient = gradients.pointer + model.layout.tensors[outputLayer.bias].offset
        let offsets = batchOffsets.pointer
        let indices = batchIndices.pointer
        var blockStart = 0
        while blockStart < batchSize {
            let count = min(blockRows, batchSize - blockStart)
            gemm.multiply(
                transposeA: false, transposeB: false, m: count, n: itemCount, k: hiddenWidth, alpha: 1,
                a: outputInput + blockStart * hiddenWidth, lda: hiddenWidth, b: outputWeight, ldb: itemCount,
                beta: 0, c: block, ldc: itemCount)
            let firstRow = blockStart
            executor.forEachChunk(count: count, minimumChunk: 4) { _, chunk in
                for local in chunk {
                    let row = firstRow + local
                    let values = block + local * itemCount
                    // Three passes over the row: bias and maximum; exponentials and their sum; scaling to the
                    // gradient (n / B) softmax - y / B.
                    let maximum = VectorMath.addBiasReturningMaximum(outputBias, to: values, count: itemCount)
                    let itemsOfRow = offsets[row + 1] - offsets[row]
                    var observed = 0.0
                    for entry in offsets[row]..<offsets[row + 1] { observed += Double(values[Int(indices[entry])]) }
                    let sum = VectorMath.exponentiateInPlace(values, count: itemCount, shift: maximum)
                    losses[row] = Double(itemsOfRow) * (Double(maximum) + log(sum)) - observed
                    VectorMath.scaleInPlace(
                        values, count: itemCount, by: Float(Double(itemsOfRow) / sum) * inverseBatch)
                    for entry in offsets[row]..<offsets[row + 1] { values[Int(indices[entry])] -= inverseBatch }
                }
            }
            if weightGradients {
                executor.forEachChunk(count: itemCount, minimumChunk: 2048) { _, columns in
                    for local in 0..<count {
                        VectorMath.add(
                            block + local * itemCount + columns.lowerBound, to: outputBiasGradient + columns.lowerBound,
                            count: columns.count)
                    }
                }
                gemm.multiply(
                    transposeA: true, transposeB: false, m: hiddenWidth, n: itemCount, k: count, alpha: 1,
                    a: outputInput + blockStart * hiddenWidth, lda: hiddenWidth, b: block, ldb: itemCount,
                    beta: 1, c: outputWeightGradient, ldc: itemCount)
            }
            if let gradientOfHidden {
                gemm.multiply(
                    transposeA: false, transposeB: true, m: count, n: hiddenWidth, k: itemCount, alpha: 1,
                    a: block, lda: itemCount, b: outputWeight, ldb: itemCount,
                    beta: 0, c: gradientOfHidden + blockStart * hiddenWidth, ldc: hiddenWidth)
            }
            blockStart += count
        }
    }
}
