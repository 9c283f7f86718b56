import Foundation
import VAECFCompute
import VAECFCore

extension MultVAEEngine {
    /// One RecVAE step's objective for the users `rows` of `data` and the gradient of the parameters that
    /// `phase` updates, written into `gradients` at their offsets (that range is zeroed first; the others are
    /// left alone).
    ///
    /// Objective: the multinomial negative log-likelihood plus the single-sample KL term
    /// `gamma * n_u * sum_k (log q(z_k | x) - log p(z_k))` with the composite prior (`CompositePrior`), both
    /// averaged over the batch. The encoder phase computes both with dropout on the input; the decoder phase
    /// runs the encoder without dropout and computes only the likelihood (the KL term does not depend on the
    /// decoder), reporting a KL of 0. Dropout masks and latent noise come from `noise` per batch row, as in
    /// ``lossAndGradients(model:data:rows:anneal:lam:noise:shard:gradients:)``.
    package func recVAELossAndGradients<Rows: Collection>(
        model: MultVAE, data: CSRMatrix, rows: Rows, phase: RecVAEPhase, noise: StepNoise, gradients: FloatBuffer
    ) -> LossBreakdown where Rows.Element == Int {
        guard model.configuration.recVAE != nil, let previousOffset = model.layout.previousEncoderOffset else {
            preconditionFailure("recVAELossAndGradients needs a RecVAE")
        }
        precondition(gradients.count >= model.layout.count, "gradient buffer does not match the model")
        let layout = model.layout
        let range = phase == .encoder ? layout.encoderParameters : layout.decoderParameters
        let start = gradients.pointer + range.lowerBound
        executor.forEachChunk(count: range.count, minimumChunk: 1 << 16) { _, chunk in
            (start + chunk.lowerBound).update(repeating: 0, count: chunk.count)
        }
        let batchSize = rows.count
        guard batchSize > 0 else {
            return LossBreakdown(negativeLogLikelihood: 0, kullbackLeibler: 0, anneal: 1, regularization: 0)
        }
        let latentSize = model.configuration.latentDimension
        let workspace = recVAE
        let encoded = workspace.encoded.reserve(batchSize * 2 * latentSize)
        gatherBatch(data, rows: rows, dropout: nil)
        if phase == .encoder {
            recVAEEncode(
                model: model, base: model.parameters.pointer + previousOffset, rows: batchSize,
                output: workspace.previousEncoded.reserve(batchSize * 2 * latentSize))
            gatherBatch(data, rows: rows, dropout: (model.configuration.keepProbability, noise.dropoutSeed))
        }
        recVAEEncode(model: model, base: model.parameters.pointer, rows: batchSize, output: encoded)
        recVAESampleLatent(model: model, rows: batchSize, seed: noise.latentSeed, divergence: phase == .encoder)
        let losses = workspace.losses.reserve(batchSize)
        let latentGradient = workspace.gradientLatent.reserve(batchSize * latentSize)
        outputLayerLossAndGradients(
            model: model, input: workspace.latent.pointer, rows: batchSize, globalBatchSize: batchSize,
            gradients: gradients, weightGradients: phase == .decoder,
            inputGradient: phase == .encoder ? latentGradient : nil, losses: losses)
        if phase == .encoder {
            recVAECombineLatentGradients(model: model, rows: batchSize)
            recVAEEncoderBackward(model: model, rows: batchSize, gradients: gradients)
        }
        var negativeLogLikelihood = 0.0
        var divergence = 0.0
        let divergences = workspace.divergences.pointer
        for row in 0..<batchSize {
            negativeLogLikelihood += losses[row]
            divergence += phase == .encoder ? divergences[row] : 0
        }
        return LossBreakdown(
            negativeLogLikelihood: negativeLogLikelihood / Double(batchSize),
            kullbackLeibler: divergence / Double(batchSize), anneal: 1, regularization: 0)
    }

    /// `z = mu + eps * exp(logvar / 2)` per row (`eps` from `RandomSource(seed:stream: row)`); with
    /// `divergence`, also each row's weighted KL term and the parts of the gradient of `mu | logvar` that do not
    /// go through the likelihood, into the workspace's `gradientEncoded`:
    /// `-w dlogp/dz` for `mu` and `w (-1/2 - dlogp/dz eps sigma / 2)` for `logvar`, `w = gamma n_u / B`
    /// (the single-sample `log q` term's own gradient is exactly `(0, -1/2)` through the reparameterization).
    func recVAESampleLatent(model: MultVAE, rows: Int, seed: UInt64, divergence: Bool) {
        let latentSize = model.configuration.latentDimension
        let gamma = model.configuration.recVAE?.gamma ?? 0
        let workspace = recVAE
        let encoded = workspace.encoded.pointer
        let previous = workspace.previousEncoded.pointer
        let z = workspace.latent.reserve(rows * latentSize)
        let noise = workspace.noise.reserve(rows * latentSize)
        let partial = workspace.gradientEncoded.reserve(rows * 2 * latentSize)
        let divergences = workspace.divergences.reserve(rows)
        let offsets = batchOffsets.pointer
        let inverseBatch = 1 / Double(rows)
        executor.forEachChunk(count: rows, minimumChunk: 32) { _, chunk in
            for row in chunk {
                var random = RandomSource(seed: seed, stream: UInt64(row))
                let weight = gamma * Double(offsets[row + 1] - offsets[row])
                var total = 0.0
                for k in 0..<latentSize {
                    let mu = Double(encoded[row * 2 * latentSize + k])
                    let logVariance = Double(encoded[row * 2 * latentSize + latentSize + k])
                    let standardDeviation = (0.5 * logVariance).exp
                    let sample = random.nextGaussian()
                    noise[row * latentSize + k] = Float(sample)
                    let value = Float(mu + sample * standardDeviation)
                    z[row * latentSize + k] = value
                    guard divergence else { continue }
                    let prior = CompositePrior.logDensity(
                        Double(value), previousMean: Double(previous[row * 2 * latentSize + k]),
                        previousLogVariance: Double(previous[row * 2 * latentSize + latentSize + k]))
                    total += CompositePrior.logNormal(Double(value), mean: mu, logVariance: logVariance) - prior.value
                    let scale = weight * inverseBatch
                    partial[row * 2 * latentSize + k] = Float(-scale * prior.derivative)
                    partial[row * 2 * latentSize + latentSize + k] = Float(
                        scale * (-0.5 - prior.derivative * sample * 0.5 * standardDeviation))
                }
                divergences[row] = weight * total
            }
        }
    }

    /// The gradient of `mu | logvar`: the likelihood's gradient of `z` (`gradientLatent`) through the
    /// reparameterization, added to the KL parts already in `gradientEncoded`.
    func recVAECombineLatentGradients(model: MultVAE, rows: Int) {
        let latentSize = model.configuration.latentDimension
        let workspace = recVAE
        let encoded = workspace.encoded.pointer
        let latentGradient = workspace.gradientLatent.pointer
        let noise = workspace.noise.pointer
        let gradient = workspace.gradientEncoded.pointer
        executor.forEachChunk(count: rows, minimumChunk: 32) { _, chunk in
            for row in chunk {
                for k in 0..<latentSize {
                    let dz = latentGradient[row * latentSize + k]
                    let logVariance = Double(encoded[row * 2 * latentSize + latentSize + k])
                    let halfDeviation = Float(0.5 * (0.5 * logVariance).exp)
                    gradient[row * 2 * latentSize + k] += dz
                    gradient[row * 2 * latentSize + latentSize + k] += dz * noise[row * latentSize + k] * halfDeviation
                }
            }
        }
    }

    /// The evaluation-mode RecVAE forward pass of the users `rows` of `foldIn` up to the decoder: `z = mu`,
    /// `[rows.count, latent]` in engine memory valid until its next call.
    func recVAEMeans<Rows: Collection>(model: MultVAE, foldIn: CSRMatrix, rows: Rows) -> UnsafePointer<Float>
    where Rows.Element == Int {
        let batchSize = rows.count
        let latentSize = model.configuration.latentDimension
        let workspace = recVAE
        gatherBatch(foldIn, rows: rows, dropout: nil)
        let encoded = workspace.encoded.reserve(batchSize * 2 * latentSize)
        recVAEEncode(model: model, base: model.parameters.pointer, rows: batchSize, output: encoded)
        let means = workspace.latent.reserve(batchSize * latentSize)
        for row in 0..<batchSize {
            (means + row * latentSize).update(from: encoded + row * 2 * latentSize, count: latentSize)
        }
        return UnsafePointer(means)
    }
}

private extension Double {
    var exp: Double { Foundation.exp(self) }
}
