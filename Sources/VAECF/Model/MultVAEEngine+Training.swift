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
    ///   - penaltyInOptimizer: leaves the L2 penalty to the Adam pass (``L2Penalty``): the gradients written
    ///     and the returned loss leave it out (`lam` is not used), and the gradient buffer is not read: the
    ///     output layer's weight gradient is overwritten, the others start from zero.
    package func lossAndGradients<Rows: Collection>(
        model: MultVAE, data: CSRMatrix, rows: Rows, anneal: Double, lam: Double, noise: StepNoise?,
        shard: BatchShard? = nil, lossScale: Float = 1, penaltyInOptimizer: Bool = false, gradients: FloatBuffer
    ) -> LossBreakdown where Rows.Element == Int {
        precondition(gradients.count >= model.layout.count, "gradient buffer does not match the model")
        let batchSize = rows.count
        let shard = shard ?? .whole(batchSize)
        precondition(shard.count == batchSize, "the shard's row count differs from the rows given")
        let effectiveLam = shard.includesRegularization && !penaltyInOptimizer ? lam : 0
        guard batchSize > 0 else {
            let squaredNorm = initializeGradients(
                model: model, lam: effectiveLam, gradientScale: lossScale, gradients: gradients)
            return LossBreakdown(
                negativeLogLikelihood: 0, kullbackLeibler: 0, anneal: anneal, regularization: effectiveLam * squaredNorm
            )
        }
        let dropout = noise.map { (keepProbability: model.configuration.keepProbability, seed: $0.dropoutSeed) }
        gatherBatch(data, rows: rows, dropout: dropout, firstStream: shard.firstRow)
        let outputWeight = model.layout.decoder[model.layout.decoder.count - 1].weight
        var squaredNorm = 0.0
        if penaltyInOptimizer {
            zeroGradients(model: model, except: outputWeight, gradients: gradients)
        } else {
            squaredNorm = initializeGradients(
                model: model, lam: effectiveLam, gradientScale: lossScale, gradients: gradients)
        }

        encode(model: model, rows: batchSize)
        let z = sampleLatent(model: model, rows: batchSize, seed: noise?.latentSeed, firstStream: shard.firstRow)
        let outputInput = decodeHidden(model: model, input: z, rows: batchSize)
        var buffers = reserveGradientBuffers(model: model, rows: batchSize)
        outputLayerLossAndGradients(
            model: model, input: outputInput, rows: batchSize, globalBatchSize: shard.globalBatchSize,
            lossScale: lossScale, gradients: gradients, weightGradients: true,
            overwritingWeightGradient: penaltyInOptimizer, inputGradient: buffers.current,
            losses: rowLosses.reserve(batchSize))
        decoderBackward(model: model, latent: z, rows: batchSize, gradients: gradients, buffers: &buffers)
        let klWeight = Float(anneal) * (lossScale / Float(shard.globalBatchSize))
        latentBackward(model: model, rows: batchSize, klWeight: klWeight, buffers: &buffers)
        encoderBackward(model: model, rows: batchSize, gradients: gradients, buffers: &buffers)
        return lossBreakdown(
            rows: batchSize, globalBatchSize: shard.globalBatchSize, anneal: anneal,
            regularization: effectiveLam * squaredNorm)
    }

    /// The reparameterization of the encoded batch: `z = mu + eps * exp(logvar / 2)` per row, `eps` from
    /// `RandomSource(seed: seed, stream: firstStream + row)` (`nil`: `eps = 0`, `z = mu`), kept in `epsilon`,
    /// and each row's KL term in `rowDivergences`. Returns `z` `[rows, latent]`; Mult-DAE: the encoder's output
    /// (no sampling, no KL term).
    func sampleLatent(model: MultVAE, rows: Int, seed: UInt64?, firstStream: Int) -> UnsafeMutablePointer<Float> {
        let latentSize = model.configuration.latentDimension
        let encoded = encoderOutputs[model.layout.encoder.count - 1].pointer
        let divergences = rowDivergences.reserve(rows)
        guard model.configuration.variational else {
            divergences.update(repeating: 0, count: rows)
            return encoded
        }
        let noiseValues = epsilon.reserve(rows * latentSize)
        let z = latent.reserve(rows * latentSize)
        executor.forEachChunk(count: rows, minimumChunk: 64) { _, chunk in
            for row in chunk {
                let mu = encoded + row * 2 * latentSize
                let logVariance = mu + latentSize
                var random = RandomSource(seed: seed ?? 0, stream: UInt64(firstStream + row))
                var divergence = 0.0
                for k in 0..<latentSize {
                    let standardDeviation = VectorMath.exp(0.5 * logVariance[k])
                    let sample: Float = seed == nil ? 0 : Float(random.nextGaussian())
                    noiseValues[row * latentSize + k] = sample
                    z[row * latentSize + k] = mu[k] + sample * standardDeviation
                    let variance = Double(standardDeviation) * Double(standardDeviation)
                    divergence += 0.5 * (-Double(logVariance[k]) + variance + Double(mu[k]) * Double(mu[k]) - 1)
                }
                divergences[row] = divergence
            }
        }
        return z
    }

    /// The two gradient buffers of the backward pass, each `[rows, width]` for any hidden layer or for
    /// `mu | logvar`.
    func reserveGradientBuffers(model: MultVAE, rows: Int) -> GradientBuffers {
        let configuration = model.configuration
        let width = max(configuration.encoderDimensions.max()!, 2 * configuration.latentDimension)
        return GradientBuffers(current: gradientA.reserve(rows * width), next: gradientB.reserve(rows * width))
    }

    /// Back through the decoder's hidden layers, from the gradient of the output layer's input in
    /// `buffers.current` to the gradient of `z` (`latent`, the decoder's input), left in `buffers.current`.
    func decoderBackward(
        model: MultVAE, latent z: UnsafePointer<Float>, rows: Int, gradients: FloatBuffer,
        buffers: inout GradientBuffers
    ) {
        let parameters = UnsafePointer(model.parameters.pointer)
        for index in stride(from: model.layout.decoder.count - 2, through: 0, by: -1) {
            let input = index == 0 ? z : UnsafePointer(decoderOutputs[index - 1].pointer)
            decoderLayer(model, index).backward(
                parameters: parameters, input: input, output: decoderOutputs[index].pointer,
                outputGradient: buffers.current, inputGradient: buffers.next, rows: rows, gradients: gradients.pointer)
            buffers.advance()
        }
    }

    /// From the gradient of `z` in `buffers.current` to that of `mu | logvar`: the reparameterization plus the
    /// KL term weighted by `klWeight`, left in `buffers.current` (Mult-DAE: the gradient of `z` already is the
    /// gradient of the encoder's output).
    func latentBackward(model: MultVAE, rows: Int, klWeight: Float, buffers: inout GradientBuffers) {
        guard model.configuration.variational else { return }
        let latentSize = model.configuration.latentDimension
        let encoded = encoderOutputs[model.layout.encoder.count - 1].pointer
        let noiseValues = epsilon.pointer
        let upstream = buffers.current
        let encodedGradient = buffers.next
        executor.forEachChunk(count: rows, minimumChunk: 64) { _, chunk in
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
        buffers.advance()
    }

    /// Back through the encoder from the gradient of its output in `buffers.current`: the dense layers, then the
    /// sparse first layer's gradients from the gathered batch.
    func encoderBackward(model: MultVAE, rows: Int, gradients: FloatBuffer, buffers: inout GradientBuffers) {
        let parameters = UnsafePointer(model.parameters.pointer)
        for index in stride(from: model.layout.encoder.count - 1, through: 1, by: -1) {
            encoderLayer(model, index).backward(
                parameters: parameters, input: encoderOutputs[index - 1].pointer, output: encoderOutputs[index].pointer,
                outputGradient: buffers.current, inputGradient: buffers.next, rows: rows, gradients: gradients.pointer)
            buffers.advance()
        }
        encoderLayer(model, 0).backward(
            sparseInput: gatheredRows(rows), output: encoderOutputs[0].pointer, outputGradient: buffers.current,
            gradients: gradients.pointer)
    }

    /// The step's loss terms from the per-row likelihoods and KL terms (`rowLosses`, `rowDivergences`), added
    /// in row order and divided by the global batch size.
    func lossBreakdown(rows: Int, globalBatchSize: Int, anneal: Double, regularization: Double) -> LossBreakdown {
        let losses = rowLosses.pointer
        let divergences = rowDivergences.pointer
        var negativeLogLikelihood = 0.0
        var divergence = 0.0
        for row in 0..<rows {
            negativeLogLikelihood += losses[row]
            divergence += divergences[row]
        }
        return LossBreakdown(
            negativeLogLikelihood: negativeLogLikelihood / Double(globalBatchSize),
            kullbackLeibler: divergence / Double(globalBatchSize), anneal: anneal, regularization: regularization)
    }

    /// Sets the gradients of every tensor but `layout.tensors[skipped]` (all when `nil`) to zero, each split
    /// between the workers.
    func zeroGradients(model: MultVAE, except skipped: Int? = nil, gradients: FloatBuffer) {
        for (index, tensor) in model.layout.tensors.enumerated() where index != skipped {
            let destination = gradients.pointer + tensor.offset
            executor.forEachChunk(count: tensor.count, minimumChunk: 1 << 16) { _, range in
                (destination + range.lowerBound).update(repeating: 0, count: range.count)
            }
        }
    }

    /// Gradients start as `2 lam W` (times `gradientScale`) for kernels and 0 elsewhere; the backward pass
    /// accumulates into them. Returns the squared norm of the kernels (the L2 penalty before `lam`; 0 when `lam`
    /// is 0), taken as the Adam pass takes it (``L2Penalty``), so it does not depend on the thread count.
    func initializeGradients(model: MultVAE, lam: Double, gradientScale: Float = 1, gradients: FloatBuffer) -> Double {
        guard lam != 0 else {
            zeroGradients(model: model, gradients: gradients)
            return 0
        }
        let factor = Float(2 * lam) * gradientScale
        for tensor in model.layout.tensors {
            let (source, destination) = (model.parameters.pointer + tensor.offset, gradients.pointer + tensor.offset)
            executor.forEachChunk(count: tensor.count, minimumChunk: 1 << 16) { _, range in
                let (from, to) = (source + range.lowerBound, destination + range.lowerBound)
                if tensor.isKernel {
                    VectorMath.scale(from, by: factor, into: to, count: range.count)
                } else {
                    to.update(repeating: 0, count: range.count)
                }
            }
        }
        let penalty = L2Penalty(
            lam: lam, ranges: model.layout.kernelRanges,
            normPartials: normPartials.reserve(AdamKernel.unitCount(model.layout.count)))
        return AdamKernel.squaredNorm(
            of: model.parameters.pointer, count: model.layout.count, penalty: penalty, executor: executor)
    }
}

/// Two `[rows, width]` gradient buffers used in turn by the backward pass: a layer reads `current` and writes
/// `next`, then ``advance()`` makes what it wrote the current one.
struct GradientBuffers {
    var current: UnsafeMutablePointer<Float>
    var next: UnsafeMutablePointer<Float>

    mutating func advance() { swap(&current, &next) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
