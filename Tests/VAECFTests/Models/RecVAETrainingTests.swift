import Foundation
import Testing
@testable import VAECF
import VAECFCompute
import VAECFCore
import VAECFData

/// RecVAE through the one training loop: alternating phases, checkpoints and resume, files, evaluation.
@Suite("RecVAE training")
struct RecVAETrainingTests {
    static func configuration(itemCount: Int) -> MultVAEConfiguration {
        MultVAEConfiguration(
            itemCount: itemCount, encoderDimensions: [24, 8], recVAE: RecVAESettings(hiddenLayers: 3, gamma: 0.01))
    }

    static func training(epochs: Int) -> TrainingConfiguration {
        var training = TrainingConfiguration(preset: .recvae, seed: 7)
        training.epochs = epochs
        training.batchSizeTrain = 64
        training.batchSizeValidation = 50
        training.learningRate = 2e-3
        return training
    }

    static func slice(_ model: MultVAE, _ range: Range<Int>) -> [Float] { Array(model.parameters.array[range]) }

    @Test("an encoder step changes only the encoder, a decoder step only the decoder; the prior only on refresh")
    func phasesChangeOnlyTheirParameters() throws {
        let dataset = try smallDataset()
        let model = MultVAE(configuration: Self.configuration(itemCount: dataset.itemCount), seed: 1)
        let layout = model.layout
        let prior = try #require(layout.previousEncoderOffset)
        let priorRange = prior..<layout.count
        let engine = makeEngine()
        let optimizer = AdamOptimizer(parameterCount: layout.count, learningRate: 1e-3, beta1: 0.9, beta2: 0.999)
        let gradients = FloatBuffer(count: layout.count)
        for (phase, range) in [(RecVAEPhase.encoder, layout.encoderParameters), (.decoder, layout.decoderParameters)] {
            gradients.pointer.update(repeating: 7, count: layout.count)
            let before = model.parameters.array
            let loss = engine.recVAELossAndGradients(
                model: model, data: dataset.train, rows: 0..<64, phase: phase, noise: .init(seed: 3, step: 0),
                gradients: gradients)
            #expect(loss.total.isFinite && loss.negativeLogLikelihood > 0)
            #expect(phase == .decoder ? loss.kullbackLeibler == 0 : loss.kullbackLeibler != 0)
            // Only the phase's gradients are written.
            let written = gradients.array
            #expect(written.indices.filter { !range.contains($0) }.allSatisfy { written[$0] == 7 })
            #expect(written[range].contains { $0 != 0 && $0 != 7 })
            optimizer.update(
                parameters: model.parameters, gradients: gradients, range: range, step: 1, executor: engine.executor)
            let after = model.parameters.array
            #expect(before[range] != after[range], "\(phase) did not change its parameters")
            for other in [layout.encoderParameters, layout.decoderParameters, priorRange] where other != range {
                #expect(before[other] == after[other], "\(phase) changed parameters outside its group")
            }
        }
        #expect(Self.slice(model, priorRange) != Self.slice(model, layout.encoderParameters))
        model.refreshRecVAEPrior()
        #expect(Self.slice(model, priorRange) == Self.slice(model, layout.encoderParameters))
    }

    @Test("an epoch alternates: the prior ends equal to the encoder; RecVAE beats most-popular")
    func learns() throws {
        let dataset = try smallDataset()
        let engine = makeEngine()
        var training = Self.training(epochs: 8)
        training.learningRate = 5e-3
        let configuration = MultVAEConfiguration(
            itemCount: dataset.itemCount, encoderDimensions: [24, 8],
            recVAE: RecVAESettings(hiddenLayers: 3, gamma: 0.005))
        let trainer = Trainer(dataset: dataset, model: configuration, training: training, engine: engine)
        var summaries = [EpochSummary]()
        let model = try trainer.run(checkpoint: nil) { event in
            if case .epochFinished(let summary) = event { summaries.append(summary) }
        }
        let layout = trainer.model.layout
        #expect(
            Self.slice(trainer.model, layout.previousEncoderOffset!..<layout.count)
                == Self.slice(trainer.model, layout.encoderParameters))
        let steps = training.stepsPerEpoch(userCount: dataset.train.rowCount)
        #expect(summaries.count == 8 && summaries.last!.step == 8 * 4 * steps)
        #expect(summaries.allSatisfy { $0.loss.kullbackLeibler > 0 && $0.users == 4 * dataset.train.rowCount })
        let trained = TrainedModel.autoencoder(model)
        #expect(trained.kind == .recvae)
        let metrics = trained.evaluate(
            engine: engine, foldIn: dataset.testFoldIn, heldOut: dataset.testHeldOut, batchSize: 50)
        let popularity = PopularityBaseline(train: dataset.train)
        let baseline = Evaluator(
            foldIn: dataset.testFoldIn, heldOut: dataset.testHeldOut, batchSize: 50, executor: engine.executor
        )
        .evaluate { rows, output in popularity.score(rows: rows, output: output) }
        #expect(metrics.ndcgAt100 > baseline.ndcgAt100, "RecVAE \(metrics) vs popularity \(baseline)")
    }

    @Test("a resumed run ends with bitwise the same weights, moments and metrics as an uninterrupted one")
    func resumeIsExact() throws {
        let dataset = try smallDataset()
        let configuration = Self.configuration(itemCount: dataset.itemCount)
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let straight = Trainer(
            dataset: dataset, model: configuration, training: Self.training(epochs: 3), engine: makeEngine())
        let straightModel = try straight.run(checkpoint: nil) { _ in }

        let checkpoint = folder.appendingPathComponent("run.checkpoint")
        let first = Trainer(
            dataset: dataset, model: configuration, training: Self.training(epochs: 3), engine: makeEngine())
        _ = try first.trainEpoch()
        _ = first.validate()
        try first.checkpointFile().write(to: checkpoint)
        let read = try ModelFile.read(checkpoint)
        #expect(read.header.resolvedKind == .recvae && read.header.model == configuration)
        let resumed = try Trainer(dataset: dataset, resumingFrom: read, engine: makeEngine())
        #expect(resumed.completedEpochs == 1)
        let resumedModel = try resumed.run(checkpoint: checkpoint) { _ in }
        #expect(resumedModel.parameters.array == straightModel.parameters.array)
        #expect(resumed.model.parameters.array == straight.model.parameters.array)
        #expect(resumed.optimizer.firstMoments.array == straight.optimizer.firstMoments.array)
        #expect(resumed.optimizer.secondMoments.array == straight.optimizer.secondMoments.array)
        #expect(resumed.bestMetrics == straight.bestMetrics && resumed.bestEpoch == straight.bestEpoch)
    }

    @Test("same seed and threads give the same bits; another seed does not")
    func determinism() throws {
        let dataset = try smallDataset()
        let configuration = Self.configuration(itemCount: dataset.itemCount)
        func run(seed: UInt64) throws -> [Float] {
            var training = Self.training(epochs: 1)
            training.seed = seed
            let trainer = Trainer(dataset: dataset, model: configuration, training: training, engine: makeEngine())
            _ = try trainer.trainEpoch()
            return trainer.model.parameters.array
        }
        #expect(try run(seed: 4) == run(seed: 4))
        #expect(try run(seed: 4) != run(seed: 5))
    }

    @Test("the model file round-trips as recvae, scores as before, and a crafted RecVAE header is refused")
    func modelFile() throws {
        let dataset = try smallDataset()
        let engine = makeEngine()
        let trainer = Trainer(
            dataset: dataset, model: Self.configuration(itemCount: dataset.itemCount),
            training: Self.training(epochs: 2), engine: engine)
        let model = try trainer.run(checkpoint: nil) { _ in }
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("recvae.model")
        try trainer.modelFile().write(to: url)
        let read = try ModelFile.readModel(url)
        #expect(read.header.modelKind == .recvae && read.header.resolvedKind == .recvae)
        #expect(read.header.model.recVAE == RecVAESettings(hiddenLayers: 3, gamma: 0.01))
        let loaded = TrainedModel(file: read)
        #expect(loaded.kind == .recvae && loaded.parameterCount == model.layout.count)
        let before = TrainedModel.autoencoder(model).evaluate(
            engine: engine, foldIn: dataset.testFoldIn, heldOut: dataset.testHeldOut, batchSize: 50)
        let after = loaded.evaluate(
            engine: engine, foldIn: dataset.testFoldIn, heldOut: dataset.testHeldOut, batchSize: 50)
        #expect(before == after)
        #expect(ModelFile.parameterCount(read.header.model) == model.layout.count)

        var crafted = trainer.modelFile()
        crafted.header.model.encoderDimensions = [24, 8, 4]
        let bad = folder.appendingPathComponent("bad.model")
        try crafted.write(to: bad)
        #expect(throws: ModelFileError.self) { try ModelFile.read(bad) }
        crafted = trainer.modelFile()
        crafted.header.model.recVAE?.hiddenLayers = 0
        try crafted.write(to: bad)
        #expect(throws: ModelFileError.self) { try ModelFile.read(bad) }
    }

    @Test("compare on a small split includes RecVAE")
    func comparison() throws {
        let dataset = try smallDataset()
        let network = MultVAEConfiguration(itemCount: dataset.itemCount, encoderDimensions: [24, 8])
        let comparison = ModelComparison(
            dataset: dataset, network: network, training: smallTraining(epochs: 2), easeLambda: 50,
            engine: makeEngine(),
            recVAETraining: Self.training(epochs: 2), recVAE: RecVAESettings(hiddenLayers: 2))
        let results = try comparison.run([.recvae, .multvae])
        #expect(results.map(\.model) == ["popularity", "recvae", "multvae"])
        #expect(
            results[1].test.ndcgAt100 > 0
                && results[1].parameterCount
                    == ParameterLayout(
                        configuration: MultVAEConfiguration(
                            itemCount: dataset.itemCount, encoderDimensions: [24, 8],
                            recVAE: RecVAESettings(hiddenLayers: 2))
                    ).count
        )
    }
}
