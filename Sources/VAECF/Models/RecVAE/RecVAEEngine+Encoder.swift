import VAECFCompute
import VAECFCore

extension MultVAEEngine {
    /// RecVAE's encoder on the gathered batch (``gatherBatch(_:rows:dropout:firstStream:)``'s values), with
    /// the encoder tensors at `base + tensor.offset` (`base` is the parameters for the encoder, the parameters
    /// plus ``ParameterLayout/previousEncoderOffset`` for the prior's frozen copy). Keeps every layer's
    /// intermediate values in the workspace for the backward pass and writes `mu | logvar` into `output`
    /// (`[rows, 2 x latent]`).
    func recVAEEncode(model: MultVAE, base: UnsafePointer<Float>, rows: Int, output: UnsafeMutablePointer<Float>) {
        let layers = model.layout.normalizations.count
        let width = model.configuration.encoderDimensions[0]
        let workspace = recVAE
        workspace.reserveLayers(layers, rows: rows, width: width)
        for layer in 0..<layers {
            let dense = recVAELayer(model, layer)
            let product = workspace.preActivations[layer].pointer
            if layer == 0 {
                dense.multiply(parameters: base, sparseInput: gatheredRows(rows), output: product)
            } else {
                dense.multiply(
                    parameters: base, input: workspace.hidden[layer - 1].pointer, output: product, rows: rows)
            }
            recVAEActivate(model: model, base: base, layer: layer, rows: rows, width: width)
        }
        recVAELayer(model, layers).forward(
            parameters: base, input: workspace.hidden[layers - 1].pointer, output: output, rows: rows)
    }

    /// RecVAE's encoder layer `index` as a ``DenseLayer`` without activation: the hidden layers' bias,
    /// residual sums, swish and LayerNorm come after the product (``recVAEActivate``); the last layer, the
    /// head, writes `mu | logvar`.
    func recVAELayer(_ model: MultVAE, _ index: Int) -> DenseLayer {
        DenseLayer(
            layout: model.layout, layer: model.layout.encoder[index], activation: nil, gemm: gemm, executor: executor)
    }

    /// One hidden layer after its product: `s += b + h_0 + ... + h_{layer-1}` (kept for the backward pass),
    /// `a = swish(s)`, `xhat = (a - mean) / sqrt(var + eps)` (kept, with `1 / sqrt(var + eps)`), and
    /// `h = gain * xhat + bias`.
    private func recVAEActivate(model: MultVAE, base: UnsafePointer<Float>, layer: Int, rows: Int, width: Int) {
        let layout = model.layout
        let bias = base + layout.tensors[layout.encoder[layer].bias].offset
        let gain = base + layout.tensors[layout.normalizations[layer].gain].offset
        let shift = base + layout.tensors[layout.normalizations[layer].bias].offset
        let workspace = recVAE
        let product = workspace.preActivations[layer].pointer
        let normalized = workspace.normalized[layer].pointer
        let output = workspace.hidden[layer].pointer
        let inverseDeviations = workspace.inverseDeviations[layer].pointer
        let epsilon = Double(RecVAESettings.layerNormEpsilon)
        executor.forEachChunk(count: rows, minimumChunk: 8) { _, chunk in
            for row in chunk {
                let s = product + row * width
                VectorMath.add(bias, to: s, count: width)
                for previous in 0..<layer {
                    VectorMath.add(workspace.hidden[previous].pointer + row * width, to: s, count: width)
                }
                let xhat = normalized + row * width
                Swish.apply(s, into: xhat, count: width)
                let mean = Double(Self.laneSum(xhat, count: width) { $0 }) / Double(width)
                let center = Float(mean)
                let squares = Double(Self.laneSum(xhat, count: width) { ($0 - center) * ($0 - center) })
                let inverse = Float(1 / (squares / Double(width) + epsilon).squareRoot())
                inverseDeviations[row] = inverse
                let h = output + row * width
                for index in 0..<width {
                    xhat[index] = (xhat[index] - center) * inverse
                    h[index] = gain[index] * xhat[index] + shift[index]
                }
            }
        }
    }

    /// `sum f(x[i])` over `x[0 ..< count]` in 16 float lanes (each lane adds its elements in order, then the
    /// lanes are added in order): the same bits for any thread count.
    @inline(__always)
    static func laneSum(
        _ x: UnsafePointer<Float>, count: Int, _ transform: (VectorMath.Vector) -> VectorMath.Vector
    ) -> Float {
        var lanes = VectorMath.Vector()
        var index = 0
        while index + 16 <= count {
            lanes += transform(UnsafeRawPointer(x + index).loadUnaligned(as: VectorMath.Vector.self))
            index += 16
        }
        var tail = VectorMath.Vector()
        for lane in 0..<(count - index) { tail[lane] = x[index + lane] }
        // The tail's unused lanes hold 0; mask their transformed values out.
        let transformed = transform(tail)
        for lane in 0..<(count - index) { lanes[lane] += transformed[lane] }
        var total: Float = 0
        for lane in 0..<16 { total += lanes[lane] }
        return total
    }
}
