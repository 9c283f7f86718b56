import Testing
import VAECFCompute
import VAECFCore
import VAECFData

@testable import VAECF

@Suite(
    "bfloat16 weight copy kept by the Adam pass",
    .enabled(
        if: ComputePrecision.missingInstructions(for: .bfloat16).isEmpty,
        "this CPU has no AVX512-BF16: the bfloat16 weight copy is not used"))
struct BFloat16WeightCopyTests {
    static func bits(_ buffer: FloatBuffer) -> [UInt32] { buffer.array.map(\.bitPattern) }

    /// One training step's loss and gradients of `model` on the first 64 training users.
    static func step(_ engine: MultVAEEngine, _ model: MultVAE, _ dataset: InteractionDataset) -> (Double, [UInt32]) {
        let gradients = FloatBuffer(count: model.layout.count)
        let loss = engine.lossAndGradients(
            model: model, data: dataset.train, rows: Array(0..<64), anneal: 0.1, lam: 0.01,
            noise: .init(seed: 3, step: 0), lossScale: 1024, gradients: gradients)
        return (loss.total, bits(gradients))
    }

    @Test("the products read the copy and give the gradients of rounding the float weights")
    func productsReadTheCopy() throws {
        let dataset = try smallDataset()
        let model = MultVAE(
            configuration: MultVAEConfiguration(itemCount: dataset.itemCount, encoderDimensions: [40, 10]), seed: 5)
        let engine = try makeEngine(threads: 2, precision: .bfloat16)
        let fromFloats = Self.step(engine, model, dataset)
        let copy = BFloat16ParameterCopy(of: model.parameters, executor: engine.executor)
        engine.bfloat16Weights = copy
        #expect(engine.weightCopy(of: model) != nil)
        let fromCopy = Self.step(engine, model, dataset)
        #expect(fromCopy.0 == fromFloats.0)
        #expect(fromCopy.1 == fromFloats.1)
        // The copy is what the products read: zeroed, it changes the step.
        copy.pointer.update(repeating: 0, count: model.layout.count)
        #expect(Self.step(engine, model, dataset).1 != fromFloats.1)
        // Another model's parameters never use it.
        let other = MultVAE(configuration: model.configuration, seed: 6)
        #expect(engine.weightCopy(of: other) == nil)
    }

    @Test("after each epoch's Adam passes the copy equals the rounded parameters; float32 keeps none")
    func copyFollowsTheUpdates() throws {
        let dataset = try smallDataset()
        let configuration = MultVAEConfiguration(itemCount: dataset.itemCount, encoderDimensions: [40, 10])
        let trainer = Trainer(
            dataset: dataset, model: configuration, training: smallTraining(epochs: 2),
            engine: try makeEngine(threads: 2, precision: .bfloat16), lossScaling: .dynamic)
        for _ in 0..<2 {
            _ = try trainer.trainEpoch()
            let copy = try #require(trainer.engine.bfloat16Weights)
            #expect(copy.source === trainer.model.parameters)
            let rounded = trainer.model.parameters.array.map { BFloat16Products.rounded($0).bitPattern }
            #expect(copy.values.map(\.bitPattern) == rounded)
        }
        let single = Trainer(
            dataset: dataset, model: configuration, training: smallTraining(epochs: 1), engine: makeEngine())
        _ = try single.trainEpoch()
        #expect(single.engine.bfloat16Weights == nil)
    }
}
