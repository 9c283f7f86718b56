import Foundation
import Testing
import VAECF
import VAECFCompute
import VAECFCore
import VAECFData

/// A small learnable dataset: 600 synthetic users over 120 items with topic structure.
func smallDataset(seed: UInt64 = 4) throws -> InteractionDataset {
    let table = SyntheticInteractions.generate(
        SyntheticSettings(users: 600, items: 120, interactions: 12_000, topics: 8, seed: seed))
    return try PaperSplit.split(table, settings: SplitSettings(heldOutUsers: 60, seed: 1), source: "synthetic")
}

func smallTraining(epochs: Int) -> TrainingConfiguration {
    var training = TrainingConfiguration(preset: .paper, seed: 7)
    training.epochs = epochs
    training.batchSizeTrain = 64
    training.batchSizeValidation = 50
    training.totalAnnealSteps = 100
    return training
}

func makeEngine(threads: Int = 2) -> MultVAEEngine {
    MultVAEEngine(
        gemm: .portable(threadCount: threads), executor: ParallelExecutor(threadCount: threads), logitBlockRows: 40)
}

/// ``makeEngine(threads:)`` with its products in `precision`.
func makeEngine(threads: Int, precision: ComputePrecision) throws -> MultVAEEngine {
    MultVAEEngine(
        gemm: try GEMM.portable(threadCount: threads).withPrecision(precision),
        executor: ParallelExecutor(threadCount: threads), logitBlockRows: 40)
}

func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("vaecf-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite("Trainer")
struct TrainerTests {
    @Test("training beats the most-popular baseline on held-out users")
    func learns() throws {
        let dataset = try smallDataset()
        let configuration = MultVAEConfiguration(itemCount: dataset.itemCount, encoderDimensions: [40, 10])
        let engine = makeEngine()
        let trainer = Trainer(
            dataset: dataset, model: configuration, training: smallTraining(epochs: 12), engine: engine)
        let untrained = trainer.evaluate(model: trainer.model, foldIn: dataset.testFoldIn, heldOut: dataset.testHeldOut)
        let model = try trainer.run(checkpoint: nil) { _ in }
        let trained = trainer.evaluate(model: model, foldIn: dataset.testFoldIn, heldOut: dataset.testHeldOut)
        let popularity = PopularityBaseline(train: dataset.train)
        let baseline = Evaluator(
            foldIn: dataset.testFoldIn, heldOut: dataset.testHeldOut, batchSize: 50,
            executor: engine.executor
        ).evaluate { rows, output in popularity.score(rows: rows, output: output) }
        #expect(trained.ndcgAt100 > untrained.ndcgAt100 + 0.05)
        #expect(trained.ndcgAt100 > baseline.ndcgAt100, "model \(trained) vs popularity \(baseline)")
        #expect(trainer.bestMetrics != nil && trainer.bestEpoch >= 0)
    }

    @Test("the nvidia preset crops each epoch to whole batches; the paper preset keeps the last partial batch")
    func batching() throws {
        let dataset = try smallDataset()
        var training = smallTraining(epochs: 1)
        training.batchSizeTrain = 100
        let configuration = MultVAEConfiguration(itemCount: dataset.itemCount, encoderDimensions: [8, 4])
        let users = dataset.train.rowCount
        let kept = Trainer(dataset: dataset, model: configuration, training: training, engine: makeEngine()).batches(
            ofEpoch: 0)
        #expect(kept.count == (users + 99) / 100)
        #expect(kept.reduce(0) { $0 + $1.count } == users)
        #expect(Set(kept.flatMap { $0 }).count == users)
        training.dropLastPartialBatch = true
        let cropped = Trainer(dataset: dataset, model: configuration, training: training, engine: makeEngine()).batches(
            ofEpoch: 0)
        #expect(cropped.count == users / 100)
        #expect(cropped.allSatisfy { $0.count == 100 })
        #expect(
            Array(cropped[0])
                != Array(
                    Trainer(dataset: dataset, model: configuration, training: training, engine: makeEngine()).batches(
                        ofEpoch: 1)[0]))
    }

    @Test("a resumed run ends with bitwise the same weights as an uninterrupted one")
    func resumeIsExact() throws {
        let dataset = try smallDataset()
        let configuration = MultVAEConfiguration(itemCount: dataset.itemCount, encoderDimensions: [16, 6])
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let straight = Trainer(
            dataset: dataset, model: configuration, training: smallTraining(epochs: 4), engine: makeEngine())
        let straightModel = try straight.run(checkpoint: nil) { _ in }

        let checkpoint = folder.appendingPathComponent("run.checkpoint")
        var training = smallTraining(epochs: 4)
        training.epochs = 4
        let first = Trainer(dataset: dataset, model: configuration, training: training, engine: makeEngine())
        _ = try first.trainEpoch()
        _ = first.validate()
        _ = try first.trainEpoch()
        _ = first.validate()
        try first.checkpointFile().write(to: checkpoint)
        let resumed = try Trainer(dataset: dataset, resumingFrom: try ModelFile.read(checkpoint), engine: makeEngine())
        #expect(resumed.completedEpochs == 2)
        let resumedModel = try resumed.run(checkpoint: checkpoint) { _ in }
        #expect(resumedModel.parameters.array == straightModel.parameters.array)
        #expect(resumed.model.parameters.array == straight.model.parameters.array)
        #expect(resumed.bestMetrics == straight.bestMetrics)
    }

    @Test("same seed and threads give identical weights; another seed does not")
    func determinism() throws {
        let dataset = try smallDataset()
        let configuration = MultVAEConfiguration(itemCount: dataset.itemCount, encoderDimensions: [16, 6])
        func train(seed: UInt64) throws -> [Float] {
            var training = smallTraining(epochs: 2)
            training.seed = seed
            let trainer = Trainer(dataset: dataset, model: configuration, training: training, engine: makeEngine())
            for _ in 0..<2 { _ = try trainer.trainEpoch() }
            return trainer.model.parameters.array
        }
        let first = try train(seed: 3)
        #expect(first == (try train(seed: 3)))
        #expect(first != (try train(seed: 4)))
    }

    @Test("a NaN loss stops training with a clear error")
    func nanStops() throws {
        let dataset = try smallDataset()
        let configuration = MultVAEConfiguration(itemCount: dataset.itemCount, encoderDimensions: [8, 4])
        let trainer = Trainer(
            dataset: dataset, model: configuration, training: smallTraining(epochs: 1), engine: makeEngine())
        trainer.model.parameters.pointer[3] = .nan
        #expect {
            _ = try trainer.trainEpoch()
        } throws: { error in
            guard case .nonFiniteLoss(epoch: 0, step: _, let loss)? = error as? TrainingError else { return false }
            return loss.total.isNaN && "\(error)".contains("loss became nan")
        }
    }

    @Test("a checkpoint for another dataset is refused")
    func otherDataset() throws {
        let dataset = try smallDataset()
        let other = try smallDataset(seed: 99)
        let configuration = MultVAEConfiguration(itemCount: dataset.itemCount, encoderDimensions: [8, 4])
        let trainer = Trainer(
            dataset: dataset, model: configuration, training: smallTraining(epochs: 1), engine: makeEngine())
        #expect {
            _ = try Trainer(dataset: other, resumingFrom: trainer.checkpointFile(), engine: makeEngine())
        } throws: { error in
            guard case .datasetMismatch(_, let checkpointDataset, let givenDataset)? = error as? ModelFileError else {
                return false
            }
            return checkpointDataset == dataset.fingerprintHex && givenDataset == other.fingerprintHex
        }
    }
}
