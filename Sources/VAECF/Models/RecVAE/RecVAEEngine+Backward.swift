import VAECFCompute
import VAECFCore

extension MultVAEEngine {
    /// Back through RecVAE's encoder from the gradient of `mu | logvar` (the workspace's `gradientEncoded`),
    /// after ``recVAEEncode(model:base:rows:output:)`` on the same batch with the encoder's own weights:
    /// accumulates the gradients of every encoder tensor into `gradients`.
    ///
    /// With `R` the sum of the pre-activation gradients of the layers above, `dh_{l-1} = R + ds_l W_l^T`
    /// (every later layer adds `h_{l-1}` to its pre-activation; layer `l` also multiplies it by `W_l`).
    func recVAEEncoderBackward(model: MultVAE, rows: Int, gradients: FloatBuffer) {
        let layers = model.layout.normalizations.count
        let width = model.configuration.encoderDimensions[0]
        let workspace = recVAE
        let parameters = UnsafePointer(model.parameters.pointer)
        let hiddenGradient = workspace.gradientHidden.reserve(rows * width)
        let preGradient = workspace.gradientPreActivation.reserve(rows * width)
        let residual = workspace.gradientResidual.reserve(rows * width)
        recVAELayer(model, layers).backward(
            parameters: parameters, input: workspace.hidden[layers - 1].pointer, output: workspace.encoded.pointer,
            outputGradient: workspace.gradientEncoded.pointer, inputGradient: hiddenGradient, rows: rows,
            gradients: gradients.pointer)
        residual.update(repeating: 0, count: rows * width)
        for layer in stride(from: layers - 1, through: 0, by: -1) {
            recVAENormalizationBackward(
                model: model, layer: layer, rows: rows, width: width, hiddenGradient: hiddenGradient,
                preGradient: preGradient, gradients: gradients)
            let dense = recVAELayer(model, layer)
            guard layer > 0 else {
                dense.accumulateWeightGradient(
                    sparseInput: gatheredRows(rows), outputGradient: preGradient, gradients: gradients.pointer)
                break
            }
            dense.accumulateWeightGradient(
                input: workspace.hidden[layer - 1].pointer, outputGradient: preGradient, rows: rows,
                gradients: gradients.pointer)
            executor.forEachChunk(count: rows, minimumChunk: 16) { _, chunk in
                for row in chunk {
                    VectorMath.add(preGradient + row * width, to: residual + row * width, count: width)
                    (hiddenGradient + row * width).update(from: residual + row * width, count: width)
                }
            }
            dense.propagate(
                parameters: parameters, outputGradient: preGradient, inputGradient: hiddenGradient, rows: rows,
                accumulating: true)
        }
    }

    /// One hidden layer's LayerNorm and swish backward: from `dh` (`hiddenGradient`) writes `ds` into
    /// `preGradient` and accumulates the gradients of the LayerNorm gain and bias and of the layer's bias.
    /// Overwrites the layer's kept `xhat` with `dh * xhat` (for the gain's column sums).
    private func recVAENormalizationBackward(
        model: MultVAE, layer: Int, rows: Int, width: Int, hiddenGradient: UnsafeMutablePointer<Float>,
        preGradient: UnsafeMutablePointer<Float>, gradients: FloatBuffer
    ) {
        let layout = model.layout
        let workspace = recVAE
        let gain = UnsafePointer(model.tensor(layout.normalizations[layer].gain))
        let product = workspace.preActivations[layer].pointer
        let normalized = workspace.normalized[layer].pointer
        let inverseDeviations = workspace.inverseDeviations[layer].pointer
        let inverseWidth = 1 / Float(width)
        executor.forEachChunk(count: rows, minimumChunk: 8) { _, chunk in
            for row in chunk {
                let dh = hiddenGradient + row * width
                let xhat = normalized + row * width
                let ds = preGradient + row * width
                let (gradientSum, projection) = Self.gradientMoments(
                    gain: gain, gradient: dh, normalized: xhat, count: width)
                let meanGradient = gradientSum * inverseWidth
                let meanProjection = projection * inverseWidth
                let inverse = inverseDeviations[row]
                for index in 0..<width {
                    ds[index] = (gain[index] * dh[index] - meanGradient - xhat[index] * meanProjection) * inverse
                    xhat[index] *= dh[index]
                }
                Swish.backward(product + row * width, gradient: ds, count: width)
            }
        }
        addColumnSums(
            normalized, rows: rows, width: width,
            into: gradients.pointer + layout.tensors[layout.normalizations[layer].gain].offset)
        addColumnSums(
            hiddenGradient, rows: rows, width: width,
            into: gradients.pointer + layout.tensors[layout.normalizations[layer].bias].offset)
        addColumnSums(
            preGradient, rows: rows, width: width,
            into: gradients.pointer + layout.tensors[layout.encoder[layer].bias].offset)
    }

    /// `(sum g dh, sum g dh xhat)` over a row, in 16 float lanes added in order (thread-count independent).
    static func gradientMoments(
        gain: UnsafePointer<Float>, gradient: UnsafePointer<Float>, normalized: UnsafePointer<Float>, count: Int
    ) -> (Float, Float) {
        typealias V = VectorMath.Vector
        var sums = V()
        var projections = V()
        var index = 0
        while index + 16 <= count {
            let scaled =
                UnsafeRawPointer(gain + index).loadUnaligned(as: V.self)
                * UnsafeRawPointer(gradient + index).loadUnaligned(as: V.self)
            sums += scaled
            projections += scaled * UnsafeRawPointer(normalized + index).loadUnaligned(as: V.self)
            index += 16
        }
        var sum = sums.sum()
        var projection = projections.sum()
        while index < count {
            let scaled = gain[index] * gradient[index]
            sum += scaled
            projection += scaled * normalized[index]
            index += 1
        }
        return (sum, projection)
    }

    /// `sums[width] += column sums of x[rows, width]`, columns split between the workers (each column's rows
    /// added in order: the same bits for any thread count).
    func addColumnSums(_ x: UnsafePointer<Float>, rows: Int, width: Int, into sums: UnsafeMutablePointer<Float>) {
        executor.forEachChunk(count: width, minimumChunk: 64) { _, columns in
            VectorMath.addColumnSums(
                of: x + columns.lowerBound, rows: rows, columns: columns.count, stride: width,
                into: sums + columns.lowerBound)
        }
    }
}
