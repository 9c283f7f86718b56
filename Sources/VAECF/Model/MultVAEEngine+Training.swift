import VAECFCompute
import VAECFCore

extension MultVAEEngine {
    /// Noise of one training step: the dropout masks and the reparameterization noise of every batch row
    /// come from `RandomSource(seed: seed, stream: row)` (`row`: the position in the global batch), so they
    /// depend neither on the thread count nor on how the batch is split between processes.
    package struct StepNoise: Sendable {
        package var dropoutSeed: UInt64
        package var latentSeed: UInt64

        /// The noise of step `step` of a run seeded with `seed`.
        package init(seed: UInt64, step: Int) {
            var mixer = SplitMix64(seed: seed ^ 0x5EED_0F_57E9)
            for _ in 0..<(step % 7) { _ = mixer.next() }
            let base = mixer.next() &+ UInt64(step) &* 0x9E37_79B9_7F4A_7C15
            dropoutSeed = base
            latentSeed = base ^ 0xA5A5_5A5A_C3C3_3C3C
        }
    }

    /// Computes the objective for the users `rows` of `data` and writes its gradient with respect to every
    /// parameter into the first `model.layout.count` floats of `gradients` (overwritten; floats after them are
    /// left alone).
    ///
    /// - Parameters:
    ///   - anneal: the KL weight.
    ///   - lam: the L2 weight on kernels (the penalty is `lam * sum(W^2)`, its gradient `2 lam W`).
    ///   - noise: dropout and latent noise; `nil` evaluates deterministically (no dropout, `z = mu`).
    ///   - shard: where `rows` sit in a global batch split between workers (``BatchShard``); `nil`: `rows` is
    ///     the whole batch. With a shard, the averaged terms and their gradients are divided by the global batch
    ///     size, the penalty counts only where `includesRegularization`, and an empty shard gives zeros.
    ///   - lossScale: the gradients written are those of `lossScale` times the objective (``LossScaling``); the
    ///     returned loss terms are not scaled.
    package func lossAndGradients<Rows: Collection>(
        model: MultVAE, data: CSRMatrix, rows: Rows, anneal: Double, lam: Double, noise: StepNoise?,
        shard: BatchShard? = nil, lossScale: Float = 1, gradients: FloatBuffer
    ) -> LossBreakdown where Rows.Element == Int {
        precondition(gradients.count >= model.layout.count, "gradient buffer does not match the model")
        let batchSize = rows.count
        let shard = shard ?? .whole(batchSize)
        precondition(shard.count == batchSize, "the shard's row count differs from the rows given")
        let effectiveLam = shard.includesRegularization ? lam : 0
        guard batchSize > 0 else {
            let squaredNorm = initializeGradients(
                model: model, lam: effectiveLam, gradientScale: lossScale, gradients: gradients)
            return LossBreakdown(
                negativeLogLikelihood: 0, kullbackLeibler: 0, anneal: anneal, regularization: effectiveLam * squaredNorm
            )
        }
        let configuration = model.configuration
        let latentSize = configuration.latentDimension
        let dropout = noise.map { (keepProbability: configuration.keepProbability, seed: $0.dropoutSeed) }
        let firstStream = shard.firstRow
        gatherBatch(data, rows: rows, dropout: dropout, firstStream: firstStream)

        let squaredNorm = initializeGradients(
            model: model, lam: effectiveLam, gradientScale: lossScale, gradients: gradients)

        // Encoder, reparameterization.
        encode(model: model, rows: batchSize)
        let encoded = encoderOutputs[model.layout.encoder.count - 1].pointer
        let noiseValues = epsilon.reserve(batchSize * latentSize)
        let divergences = rowDivergences.reserve(batchSize)
        let latentSeed = noise?.latentSeed
        // Mult-DAE: the decoder reads the encoder's output, no sampling and no KL term.
        let z = configuration.variational ? latent.reserve(batchSize * latentSize) : encoded
        if configuration.variational {
            executor.forEachChunk(count: batchSize, minimumChunk: 64) { _, chunk in
                for row in chunk {
                    let mu = encoded + row * 2 * latentSize
                    let logVariance = mu + latentSize
                    var random = RandomSource(seed: latentSeed ?? 0, stream: UInt64(firstStream + row))
                    var divergence = 0.0
                    for k in 0..<latentSize {
                        let standardDeviation = VectorMath.exp(0.5 * logVariance[k])
                        let sample: Float = latentSeed == nil ? 0 : Float(random.nextGaussian())
                        noiseValues[row * latentSize + k] = sample
                        z[row * latentSize + k] = mu[k] + sample * standardDeviation
                        let variance = Double(standardDeviation) * Double(standardDeviation)
                        divergence += 0.5 * (-Double(logVariance[k]) + variance + Double(mu[k]) * Double(mu[k]) - 1)
                    }
                    divergences[row] = divergence
                }
            }
        } else {
            divergences.update(repeating: 0, count: batchSize)
        }

        // Decoder hidden layers, then the output layer and the softmax block by block.
        let outputInput = decodeHidden(model: model, input: z, rows: batchSize)
        // Both gradient buffers hold `[batch, width]` for any hidden layer or for `mu | logvar`.
        let gradientWidth = max(configuration.encoderDimensions.max()!, 2 * latentSize)
        let gradientOfHidden = gradientA.reserve(batchSize * gradientWidth)
        let losses = rowLosses.reserve(batchSize)
        outputLayerLossAndGradients(
            model: model, input: outputInput, rows: batchSize, globalBatchSize: shard.globalBatchSize,
            lossScale: lossScale, gradients: gradients, weightGradients: true, inputGradient: gradientOfHidden,
            losses: losses)
        let offsets = batchOffsets.pointer
        let indices = batchIndices.pointer

        // Back through the decoder's hidden layers to z.
        var upstream = gradientOfHidden
        var spare = gradientB.reserve(batchSize * gradientWidth)
        let decoderLayers = model.layout.decoder
        for index in stride(from: decoderLayers.count - 2, through: 0, by: -1) {
            let layerInput = index == 0 ? UnsafePointer(z) : UnsafePointer(decoderOutputs[index - 1].pointer)
            denseBackward(
                model: model, layer: decoderLayers[index], input: layerInput, output: decoderOutputs[index].pointer,
                outputGradient: upstream, inputGradient: spare, rows: batchSize, linear: false,
                gradients: gradients)
            swap(&upstream, &spare)
        }

        // Gradient of mu and logvar: the reparameterization plus the KL term (Mult-DAE: `upstream` already is
        // the gradient of the encoder's output).
        let klWeight = Float(anneal) * (lossScale / Float(shard.globalBatchSize))
        let encodedGradient = spare
        if configuration.variational {
            executor.forEachChunk(count: batchSize, minimumChunk: 64) { _, chunk in
                for row in chunk {
                    let mu = encoded + row * 2 * latentSize
                    let logVariance = mu + latentSize
                    let gradientMu = encodedGradient + row * 2 * latentSize
                    let gradientLogVariance = gradientMu + latentSize
                    for k in 0..<latentSize {
                        let dz = upstream[row * latentSize + k]
                        let standardDeviation = VectorMath.exp(0.5 * logVariance[k])
                        gradientMu[k] = dz + klWeight * mu[k]
                        gradientLogVariance[k] =
                            dz * noiseValues[row * latentSize + k] * 0.5 * standardDeviation
                            + klWeight * 0.5 * (standardDeviation * standardDeviation - 1)
                    }
                }
            }
            swap(&upstream, &spare)
        }

        // Back through the encoder.
        let encoderLayers = model.layout.encoder
        for index in stride(from: encoderLayers.count - 1, through: 1, by: -1) {
            denseBackward(
                model: model, layer: encoderLayers[index], input: encoderOutputs[index - 1].pointer,
                output: encoderOutputs[index].pointer, outputGradient: upstream, inputGradient: spare,
                rows: batchSize, linear: index == encoderLayers.count - 1 && configuration.variational,
                gradients: gradients)
            swap(&upstream, &spare)
        }
        let first = encoderLayers[0]
        let firstTensor = model.layout.tensors[first.weight]
        activationAndBiasBackward(
            model: model, layer: first, output: encoderOutputs[0].pointer, outputGradient: upstream, rows: batchSize,
            linear: encoderLayers.count == 1 && configuration.variational, gradients: gradients)
        SparseProducts.accumulateTransposeProduct(
            rowOffsets: offsets, columnIndices: indices, rows: 0..<batchSize, values: inputValues.pointer,
            gradient: upstream, width: firstTensor.columns, weightGradient: gradients.pointer + firstTensor.offset,
            executor: executor)

        var negativeLogLikelihood = 0.0
        var divergence = 0.0
        for row in 0..<batchSize {
            negativeLogLikelihood += losses[row]
            divergence += divergences[row]
        }
        return LossBreakdown(
            negativeLogLikelihood: negativeLogLikelihood / Double(shard.globalBatchSize),
            kullbackLeibler: divergence / Double(shard.globalBatchSize), anneal: anneal,
            regularization: effectiveLam * squaredNorm)
    }

    /// Gradients start as `2 lam W` (times `gradientScale`) for kernels and 0 for biases; the backward pass
    /// accumulates into them.
    /// Returns the squared norm of the kernels (the L2 penalty before `lam`; 0 when `lam` is 0), computed in the
    /// same pass over the weights by both workers: float sums of 1024 consecutive values, added in order in
    /// Double, so the value does not depend on the thread count.
    func initializeGradients(model: MultVAE, lam: Double, gradientScale: Float = 1, gradients: FloatBuffer) -> Double {
        let block = Self.normBlock
        let measuresNorm = lam != 0
        var total = 0.0
        for tensor in model.layout.tensors {
            let destination = gradients.pointer + tensor.offset
            guard tensor.isKernel else {
                destination.update(repeating: 0, count: tensor.count)
                continue
            }
            let source = UnsafePointer(model.parameters.pointer + tensor.offset)
            let count = tensor.count
            let blocks = (count + block - 1) / block
            let partials = normPartials.reserve(blocks)
            executor.forEachChunk(count: blocks, minimumChunk: (1 << 16) / block) { _, range in
                let start = range.lowerBound * block
                let end = min(count, range.upperBound * block)
                VectorMath.scale(
                    source + start, by: Float(2 * lam) * gradientScale, into: destination + start, count: end - start)
                guard measuresNorm else { return }
                // Eight full blocks at a time, one per lane: each lane adds its block's squares in order, as
                // the scalar loop below does, but the eight sums no longer wait on one another.
                var index = range.lowerBound
                while index + 8 <= range.upperBound && (index + 8) * block <= count {
                    var sums = SIMD8<Float>()
                    for position in 0..<block {
                        var values = SIMD8<Float>()
                        for lane in 0..<8 { values[lane] = source[(index + lane) * block + position] }
                        sums += values * values
                    }
                    for lane in 0..<8 { partials[index + lane] = sums[lane] }
                    index += 8
                }
                for index in index..<range.upperBound {
                    var partial: Float = 0
                    for position in (index * block)..<min(count, (index + 1) * block) {
                        partial += source[position] * source[position]
                    }
                    partials[index] = partial
                }
            }
            guard measuresNorm else { continue }
            var sum = 0.0
            for index in 0..<(count / block) { sum += Double(partials[index]) }
            total += sum + (count % block == 0 ? 0 : Double(partials[blocks - 1]))
        }
        return total
    }

    /// Backward through one dense layer `output = act(input W + b)`: scales `outputGradient` by the activation's
    /// derivative (unless `linear`), accumulates `dW += input^T dOut` and `db += colsum(dOut)`, and writes
    /// `inputGradient = dOut W^T`.
    func denseBackward(
        model: MultVAE, layer: (weight: Int, bias: Int), input: UnsafePointer<Float>,
        output: UnsafePointer<Float>, outputGradient: UnsafeMutablePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>, rows: Int, linear: Bool, gradients: FloatBuffer
    ) {
        let tensor = model.layout.tensors[layer.weight]
        let width = tensor.columns
        activationAndBiasBackward(
            model: model, layer: layer, output: output, outputGradient: outputGradient, rows: rows, linear: linear,
            gradients: gradients)
        gemm.multiply(
            transposeA: true, transposeB: false, m: tensor.rows, n: width, k: rows, alpha: 1,
            a: input, lda: tensor.rows, b: outputGradient, ldb: width, beta: 1,
            c: gradients.pointer + tensor.offset, ldc: width)
        gemm.multiply(
            transposeA: false, transposeB: true, m: rows, n: tensor.rows, k: width, alpha: 1,
            a: outputGradient, lda: width, b: model.tensor(layer.weight), ldb: width, beta: 0,
            c: inputGradient, ldc: tensor.rows)
    }

    /// The first steps of a dense layer's backward pass: `outputGradient [rows, width]` scaled in place by the
    /// activation's derivative (unless `linear`), then `db += colsum(outputGradient)`.
    func activationAndBiasBackward(
        model: MultVAE, layer: (weight: Int, bias: Int), output: UnsafePointer<Float>,
        outputGradient: UnsafeMutablePointer<Float>, rows: Int, linear: Bool, gradients: FloatBuffer
    ) {
        let width = model.layout.tensors[layer.weight].columns
        if !linear {
            let activation = model.configuration.activation
            executor.forEachChunk(count: rows, minimumChunk: 32) { _, chunk in
                for row in chunk {
                    activation.backward(
                        output: output + row * width, gradient: outputGradient + row * width, count: width)
                }
            }
        }
        VectorMath.addColumnSums(
            of: outputGradient, rows: rows, columns: width, stride: width,
            into: gradients.pointer + model.layout.tensors[layer.bias].offset)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
