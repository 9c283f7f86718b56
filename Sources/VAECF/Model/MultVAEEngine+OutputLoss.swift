import Foundation
import VAECFCompute
import VAECFCore

extension MultVAEEngine {
    /// The output layer, the softmax and the multinomial likelihood of the gathered batch, block by block
    /// (``logitBlockRows`` rows of `[rows, items]` logits at a time, never the whole matrix): writes each row's
    /// negative log-likelihood into `losses`, and, divided by `globalBatchSize`, accumulates the output layer's
    /// weight and bias gradients (when `weightGradients`) and writes the gradient of its input (when
    /// `inputGradient` is given, `[rows, width]`); the gradients are those of `lossScale` times the loss. With
    /// `overwritingWeightGradient` the first block overwrites the weight's gradient instead of adding to it.
    func outputLayerLossAndGradients(
        model: MultVAE, input: UnsafePointer<Float>, rows: Int, globalBatchSize: Int, lossScale: Float = 1,
        gradients: FloatBuffer, weightGradients: Bool, overwritingWeightGradient: Bool = false,
        inputGradient: UnsafeMutablePointer<Float>?, losses: UnsafeMutablePointer<Double>
    ) {
        let layer = outputLayer(model)
        let parameters = UnsafePointer(model.parameters.pointer)
        let blockRows = min(logitBlockRows, rows)
        let block = logits.reserve(blockRows * layer.outputWidth)
        // The gradient seeds: 1 / B per term, times the loss scale.
        let inverseBatch = lossScale / Float(globalBatchSize)
        var blockStart = 0
        while blockStart < rows {
            let count = min(blockRows, rows - blockStart)
            let blockInput = input + blockStart * layer.inputWidth
            layer.multiply(parameters: parameters, input: blockInput, output: block, rows: count)
            softmaxLossAndGradient(
                logits: block, items: layer.outputWidth, bias: parameters + layer.bias.offset, firstRow: blockStart,
                rows: count,
                inverseBatch: inverseBatch, losses: losses)
            if weightGradients {
                layer.accumulateBiasGradient(
                    outputGradient: block, rows: count, gradients: gradients.pointer, minimumColumns: 2048)
                layer.accumulateWeightGradient(
                    input: blockInput, outputGradient: block, rows: count, gradients: gradients.pointer,
                    overwriting: overwritingWeightGradient && blockStart == 0)
            }
            if let inputGradient {
                layer.propagate(
                    parameters: parameters, outputGradient: block,
                    inputGradient: inputGradient + blockStart * layer.inputWidth, rows: count)
            }
            blockStart += count
        }
    }

    /// One block of `rows` logit rows `[rows, items]` (batch rows `firstRow ..<`, without the bias yet): adds
    /// the bias, writes each row's negative log-likelihood into `losses[firstRow + row]` and overwrites the
    /// logits with the loss's gradient, `(n / B) softmax - y / B` (`inverseBatch`: `1 / B` times the loss
    /// scale). Three passes over a row: bias and maximum; exponentials and their sum; scaling.
    private func softmaxLossAndGradient(
        logits block: UnsafeMutablePointer<Float>, items itemCount: Int, bias: UnsafePointer<Float>, firstRow: Int,
        rows: Int, inverseBatch: Float, losses: UnsafeMutablePointer<Double>
    ) {
        let offsets = batchOffsets.pointer
        let indices = batchIndices.pointer
        executor.forEachChunk(count: rows, minimumChunk: 4) { _, chunk in
            for local in chunk {
                let row = firstRow + local
                let values = block + local * itemCount
                let maximum = VectorMath.addBiasReturningMaximum(bias, to: values, count: itemCount)
                let itemsOfRow = offsets[row + 1] - offsets[row]
                var observed = 0.0
                for entry in offsets[row]..<offsets[row + 1] { observed += Double(values[Int(indices[entry])]) }
                let sum = VectorMath.exponentiateInPlace(values, count: itemCount, shift: maximum)
                losses[row] = Double(itemsOfRow) * (Double(maximum) + log(sum)) - observed
                VectorMath.scaleInPlace(values, count: itemCount, by: Float(Double(itemsOfRow) / sum) * inverseBatch)
                for entry in offsets[row]..<offsets[row + 1] { values[Int(indices[entry])] -= inverseBatch }
            }
        }
    }
}
