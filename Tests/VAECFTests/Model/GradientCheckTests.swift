import Testing
import VAECF
import VAECFCompute
import VAECFCore

/// Finite-difference checks of the hand-written backward pass, per parameter tensor and per loss term.
@Suite("Gradient checks")
struct GradientCheckTests {
    static let itemCount = 23

    static func data() -> CSRMatrix {
        var random = RandomSource(seed: 11)
        let rows: [[Int32]] = (0..<6).map { _ in
            (0..<(2 + random.nextInt(below: 6))).map { _ in Int32(random.nextInt(below: itemCount)) }
        }
        return CSRMatrix(columnCount: itemCount, rows: rows)
    }

    /// Central differences of the objective for `count` entries of every tensor, compared with the analytic
    /// gradient; returns the worst relative error per tensor.
    static func check(
        activation: Activation = .tanh, encoderDimensions: [Int] = [7, 3], variational: Bool = true, anneal: Double,
        lam: Double, noise: Bool, terms: ((LossBreakdown) -> Double)? = nil
    ) -> [String: Double] {
        let configuration = MultVAEConfiguration(
            itemCount: itemCount, encoderDimensions: encoderDimensions, activation: activation,
            variational: variational)
        let model = MultVAE(configuration: configuration, seed: 3)
        // Larger biases than the default initialization so that every path carries signal.
        var random = RandomSource(seed: 5)
        for tensor in model.layout.tensors where !tensor.isKernel {
            for index in 0..<tensor.count {
                model.tensor(model.layout.tensors.firstIndex(of: tensor)!)[index] = Float(random.nextGaussian() * 0.3)
            }
        }
        let engine = MultVAEEngine(
            gemm: .portable(threadCount: 2), executor: ParallelExecutor(threadCount: 2), logitBlockRows: 4)
        let data = data()
        let rows = [4, 0, 2, 5, 1]
        let stepNoise = noise ? MultVAEEngine.StepNoise(seed: 9, step: 2) : nil
        let gradients = FloatBuffer(count: model.layout.count)
        _ = engine.lossAndGradients(
            model: model, data: data, rows: rows, anneal: anneal, lam: lam, noise: stepNoise, gradients: gradients)
        var analytic = gradients.array
        if terms != nil {
            // The gradient of one term alone: the full gradient minus that of the likelihood alone.
            _ = engine.lossAndGradients(
                model: model, data: data, rows: rows, anneal: 0, lam: 0, noise: stepNoise, gradients: gradients)
            for index in analytic.indices { analytic[index] -= gradients.pointer[index] }
        }
        let term = terms ?? { $0.total }
        let scratch = FloatBuffer(count: model.layout.count)
        func objective() -> Double {
            term(
                engine.lossAndGradients(
                    model: model, data: data, rows: rows, anneal: anneal, lam: lam, noise: stepNoise, gradients: scratch
                ))
        }
        return finiteDifferenceErrors(
            model: model, tensors: model.layout.tensors, analytic: analytic, objective: objective)
    }

    @Test("multinomial likelihood term, every tensor")
    func likelihood() {
        for (name, error) in Self.check(anneal: 0, lam: 0, noise: false) {
            #expect(error < 2e-2, "relative gradient error \(error) for \(name)")
        }
    }

    @Test("likelihood with dropout and reparameterization noise")
    func likelihoodWithNoise() {
        for (name, error) in Self.check(anneal: 0, lam: 0, noise: true) {
            #expect(error < 2e-2, "relative gradient error \(error) for \(name)")
        }
    }

    @Test("KL term alone")
    func divergence() {
        let errors = Self.check(anneal: 1, lam: 0, noise: true, terms: { $0.kullbackLeibler })
        #expect(errors.count == 8)
        for (name, error) in errors {
            #expect(error < 2e-2, "relative gradient error \(error) for \(name)")
        }
    }

    @Test("full objective with KL and L2, tanh and relu, deeper network")
    func fullObjective() {
        for (name, error) in Self.check(anneal: 0.7, lam: 0.05, noise: true) {
            #expect(error < 2e-2, "relative gradient error \(error) for \(name)")
        }
        for (name, error) in Self.check(
            activation: .relu, encoderDimensions: [9, 6, 3], anneal: 0.3, lam: 0.01, noise: true)
        {
            #expect(error < 3e-2, "relative gradient error \(error) for \(name) (relu)")
        }
    }

    @Test("Mult-DAE: likelihood with dropout and L2, no KL term, tanh and relu, one and two encoder layers")
    func denoisingAutoencoder() {
        for encoderDimensions in [[7, 3], [5]] {
            for activation in [Activation.tanh, .relu] {
                let errors = Self.check(
                    activation: activation, encoderDimensions: encoderDimensions, variational: false, anneal: 0.7,
                    lam: 0.05, noise: true)
                #expect(errors.count == 4 * encoderDimensions.count)
                for (name, error) in errors {
                    #expect(
                        error < 3e-2,
                        "relative gradient error \(error) for \(name) (\(activation), \(encoderDimensions))")
                }
            }
        }
    }

    @Test("L2 term alone is 2 lam W on kernels and 0 on biases")
    func regularization() {
        for (name, error) in Self.check(anneal: 0, lam: 0.1, noise: false, terms: { $0.regularization }) {
            #expect(error < 1e-2, "relative gradient error \(error) for \(name)")
        }
    }
}

@Suite("Backends agree on the training step")
struct BackendAgreementTests {
    @Test("the loaded CBLAS and the portable GEMM give the same loss and gradients within float rounding")
    func cblasMatchesPortable() throws {
        let loaded = GEMM.load(threadCount: 2)
        guard loaded.usesCBLAS else {
            print("no CBLAS installed (libopenblas0-pthread or libblis4-pthread): comparing portable with itself only")
            return
        }
        let data = GradientCheckTests.data()
        let configuration = MultVAEConfiguration(itemCount: GradientCheckTests.itemCount, encoderDimensions: [50, 12])
        let model = MultVAE(configuration: configuration, seed: 8)
        var results = [(LossBreakdown, [Float])]()
        for gemm in [loaded, GEMM.portable(threadCount: 2)] {
            let engine = MultVAEEngine(gemm: gemm, executor: ParallelExecutor(threadCount: 2), logitBlockRows: 3)
            let gradients = FloatBuffer(count: model.layout.count)
            let loss = engine.lossAndGradients(
                model: model, data: data, rows: [0, 1, 2, 3, 4, 5], anneal: 0.2, lam: 0.01,
                noise: .init(seed: 1, step: 0), gradients: gradients)
            results.append((loss, gradients.array))
        }
        #expect(abs(results[0].0.total - results[1].0.total) < 1e-4 * abs(results[1].0.total))
        let difference = zip(results[0].1, results[1].1).map { abs($0 - $1) }.max() ?? 0
        let scale = results[1].1.map { abs($0) }.max() ?? 1
        #expect(difference <= 1e-4 * scale, "largest gradient difference \(difference) (scale \(scale))")
    }
}

@Suite("Row blocks of the output layer")
struct OutputBlockTests {
    @Test("processing the logits in row blocks gives the loss and gradients of processing the batch whole")
    func blocksMatchWhole() {
        let data = GradientCheckTests.data()
        let configuration = MultVAEConfiguration(itemCount: GradientCheckTests.itemCount, encoderDimensions: [12, 5])
        let model = MultVAE(configuration: configuration, seed: 21)
        var results = [(LossBreakdown, [Float])]()
        for blockRows in [1, 2, 4, 1000] {
            let engine = MultVAEEngine(
                gemm: .portable(threadCount: 2), executor: ParallelExecutor(threadCount: 2),
                logitBlockRows: blockRows)
            let gradients = FloatBuffer(count: model.layout.count)
            let loss = engine.lossAndGradients(
                model: model, data: data, rows: [5, 4, 3, 2, 1, 0], anneal: 0.3, lam: 0.01,
                noise: .init(seed: 4, step: 7), gradients: gradients)
            results.append((loss, gradients.array))
        }
        for (loss, gradients) in results.dropLast() {
            #expect(abs(loss.total - results.last!.0.total) < 1e-9 * abs(loss.total))
            let difference = zip(gradients, results.last!.1).map { abs($0 - $1) }.max() ?? 0
            #expect(difference < 1e-5, "largest gradient difference \(difference)")
        }
    }
}
