import Foundation
import Testing
@testable import VAECF
import VAECFCompute
import VAECFCore

/// Finite-difference checks of RecVAE's hand-written backward pass, per parameter tensor, and its composite
/// prior against a direct computation.
@Suite("RecVAE gradients and prior")
struct RecVAEGradientTests {
    static let itemCount = 12

    static func data() -> CSRMatrix {
        var random = RandomSource(seed: 21)
        let rows: [[Int32]] = (0..<6).map { _ in
            Array(Set((0..<(2 + random.nextInt(below: 5))).map { _ in Int32(random.nextInt(below: itemCount)) }))
                .sorted()
        }
        return CSRMatrix(columnCount: itemCount, rows: rows)
    }

    static func configuration(gamma: Double) -> MultVAEConfiguration {
        MultVAEConfiguration(
            itemCount: itemCount, encoderDimensions: [6, 3], keepProbability: 0.7,
            recVAE: RecVAESettings(hiddenLayers: 3, gamma: gamma))
    }

    /// A tiny RecVAE whose LayerNorm gains and biases, biases and prior encoder are perturbed, so every path
    /// carries signal and the prior's encoder differs from the encoder.
    static func model(gamma: Double) -> MultVAE {
        let model = MultVAE(configuration: configuration(gamma: gamma), seed: 3)
        var random = RandomSource(seed: 5)
        for (index, tensor) in model.layout.tensors.enumerated() where !tensor.name.hasSuffix(".weight") {
            for position in 0..<tensor.count { model.tensor(index)[position] += Float(random.nextGaussian() * 0.3) }
        }
        return model
    }

    /// The worst relative error per tensor of `phase`'s parameters: the analytic gradient (of `term`, or of the
    /// whole objective) against central differences of the objective's value with the same noise.
    static func check(phase: RecVAEPhase, gamma: Double = 0.08, klOnly: Bool = false) -> [String: Double] {
        let model = model(gamma: gamma)
        let engine = MultVAEEngine(
            gemm: .portable(threadCount: 2), executor: ParallelExecutor(threadCount: 2), logitBlockRows: 4)
        let data = data()
        let rows = [4, 0, 2, 5, 1]
        let noise = MultVAEEngine.StepNoise(seed: 9, step: 2)
        let gradients = FloatBuffer(count: model.layout.count)
        _ = engine.recVAELossAndGradients(
            model: model, data: data, rows: rows, phase: phase, noise: noise, gradients: gradients)
        var analytic = gradients.array
        if klOnly {
            // The KL term's gradient: the whole one minus that of the same weights with gamma 0.
            let withoutDivergence = MultVAE(configuration: configuration(gamma: 0), parameters: model.parameters.array)
            _ = engine.recVAELossAndGradients(
                model: withoutDivergence, data: data, rows: rows, phase: phase, noise: noise, gradients: gradients)
            for index in analytic.indices { analytic[index] -= gradients.pointer[index] }
        }
        let scratch = FloatBuffer(count: model.layout.count)
        func objective() -> Double {
            let loss = engine.recVAELossAndGradients(
                model: model, data: data, rows: rows, phase: phase, noise: noise, gradients: scratch)
            return klOnly ? loss.kullbackLeibler : loss.total
        }
        let range = phase == .encoder ? model.layout.encoderParameters : model.layout.decoderParameters
        let tensors = model.layout.tensors.filter { range.contains($0.offset) }
        return finiteDifferenceErrors(model: model, tensors: tensors, analytic: analytic, objective: objective)
    }

    @Test(
        "encoder phase: every encoder tensor (fc layers, LayerNorm gains and biases, mu/logvar head), whole objective")
    func encoderGradients() {
        let errors = Self.check(phase: .encoder)
        // 3 hidden layers x (weight, bias, gain, norm bias) + the head's weight and bias.
        #expect(errors.count == 14)
        for (name, error) in errors {
            #expect(error < 2e-2, "relative gradient error \(error) for \(name)")
        }
    }

    @Test("encoder phase: the composite-prior KL term alone")
    func divergenceGradients() {
        let errors = Self.check(phase: .encoder, gamma: 0.3, klOnly: true)
        #expect(errors.count == 14)
        for (name, error) in errors {
            #expect(error < 2e-2, "relative gradient error \(error) for \(name) (KL term)")
        }
    }

    @Test("decoder phase: the decoder's weight and bias")
    func decoderGradients() {
        let errors = Self.check(phase: .decoder)
        #expect(Set(errors.keys) == ["decoder.0.weight", "decoder.0.bias"])
        for (name, error) in errors {
            #expect(error < 2e-2, "relative gradient error \(error) for \(name)")
        }
    }

    @Test("the composite prior's log-density and its derivative match a direct computation")
    func compositePrior() {
        func normal(_ z: Double, _ mean: Double, _ logVariance: Double) -> Double {
            let variance = exp(logVariance)
            return exp(-(z - mean) * (z - mean) / (2 * variance)) / (2 * Double.pi * variance).squareRoot()
        }
        func direct(_ z: Double, _ mean: Double, _ logVariance: Double) -> Double {
            log(3.0 / 20 * normal(z, 0, 0) + 3.0 / 4 * normal(z, mean, logVariance) + 1.0 / 10 * normal(z, 0, 10))
        }
        var random = RandomSource(seed: 17)
        for _ in 0..<200 {
            let z = random.nextGaussian() * 3
            let mean = random.nextGaussian() * 2
            let logVariance = random.nextGaussian() * 1.5
            let computed = CompositePrior.logDensity(z, previousMean: mean, previousLogVariance: logVariance)
            #expect(
                abs(computed.value - direct(z, mean, logVariance)) < 1e-10, "z \(z) mean \(mean) logvar \(logVariance)")
            let h = 1e-5
            let numeric = (direct(z + h, mean, logVariance) - direct(z - h, mean, logVariance)) / (2 * h)
            #expect(abs(computed.derivative - numeric) < 1e-6 * max(1, abs(numeric)), "derivative at z \(z)")
            let posterior = CompositePrior.logNormal(z, mean: mean, logVariance: logVariance)
            let directPosterior =
                -0.5 * log(2 * Double.pi) - 0.5 * logVariance - (z - mean) * (z - mean) / (2 * exp(logVariance))
            #expect(abs(posterior - directPosterior) < 1e-9 * max(1, abs(directPosterior)))
        }
        // Far in the tails the wide component dominates and nothing overflows.
        let far = CompositePrior.logDensity(400, previousMean: 0, previousLogVariance: 0)
        #expect(far.value.isFinite && far.derivative.isFinite && far.derivative < 0)
    }
}
