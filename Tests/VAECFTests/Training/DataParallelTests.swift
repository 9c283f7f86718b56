import Foundation
import Testing
import VAECF
import VAECFCore
import VAECFData

@Suite("Data-parallel training")
struct DataParallelTests {
    static let configuration = MultVAEConfiguration(itemCount: 120, encoderDimensions: [16, 6])

    /// The largest element-wise difference of `a` and `b`, relative to `b`'s largest magnitude.
    func relativeDifference(_ a: [Float], _ b: [Float]) -> Double {
        precondition(a.count == b.count)
        var largest = 0.0, difference = 0.0
        for index in a.indices {
            largest = max(largest, Double(abs(b[index])))
            difference = max(difference, Double(abs(a[index] - b[index])))
        }
        return difference / max(largest, 1e-30)
    }

    @Test(
        "the shards' gradients and loss terms add up to the whole batch's, for even, uneven and empty shards",
        arguments: [(64, 2), (64, 3), (2, 3)])
    func shardsAddUp(batchSize: Int, ranks: Int) throws {
        let dataset = try smallDataset()
        let model = MultVAE(configuration: Self.configuration, seed: 5)
        let engine = makeEngine(threads: 1)
        let rows = Array(0..<batchSize).map { ($0 * 7) % dataset.train.rowCount }
        let noise = MultVAEEngine.StepNoise(seed: 9, step: 3)
        let whole = FloatBuffer(count: model.layout.count)
        let wholeLoss = engine.lossAndGradients(
            model: model, data: dataset.train, rows: rows, anneal: 0.2, lam: 0.01, noise: noise, gradients: whole)
        var summed = [Float](repeating: 0, count: model.layout.count)
        var terms = (likelihood: 0.0, divergence: 0.0, regularization: 0.0)
        let part = FloatBuffer(count: model.layout.count)
        for rank in 0..<ranks {
            let shard = BatchShard.of(batchSize: batchSize, rank: rank, ranks: ranks)
            let loss = engine.lossAndGradients(
                model: model, data: dataset.train, rows: rows[shard.firstRow..<(shard.firstRow + shard.count)],
                anneal: 0.2, lam: 0.01, noise: noise, shard: shard, gradients: part)
            for index in summed.indices { summed[index] += part.pointer[index] }
            terms.likelihood += loss.negativeLogLikelihood
            terms.divergence += loss.kullbackLeibler
            terms.regularization += loss.regularization
        }
        #expect(relativeDifference(summed, whole.array) < 1e-5)
        #expect(abs(terms.likelihood - wholeLoss.negativeLogLikelihood) <= 1e-9 * abs(wholeLoss.negativeLogLikelihood))
        #expect(abs(terms.divergence - wholeLoss.kullbackLeibler) <= 1e-9 * abs(wholeLoss.kullbackLeibler) + 1e-12)
        #expect(terms.regularization == wholeLoss.regularization)
    }

    /// Trains `epochs` epochs in a group of `ranks` threads (1 thread each) and returns rank 0's final and best
    /// weights and best validation metrics; `checkpoint`: rank 0 writes one after every epoch and resumes from it.
    func trainInGroup(
        ranks: Int, epochs: Int, batchSize: Int = 64, checkpoint: URL? = nil, precision: ComputePrecision = .float32,
        lossScaling: LossScaling = .none
    ) throws -> (parameters: [Float], best: [Float], metrics: RankingMetrics?, epochs: [EpochSummary]) {
        let dataset = try smallDataset()
        var configured = smallTraining(epochs: epochs)
        configured.batchSizeTrain = batchSize
        let training = configured
        let results = ThreadGroup.run(size: ranks) { member in
            let engine = try makeEngine(threads: 1, precision: precision)
            let trainer = try Trainer.joiningGroup(member, dataset: dataset, engine: engine) {
                if let checkpoint, FileManager.default.fileExists(atPath: checkpoint.path) {
                    return try Trainer(dataset: dataset, resumingFrom: try ModelFile.read(checkpoint), engine: engine)
                }
                return Trainer(
                    dataset: dataset, model: Self.configuration, training: training, engine: engine,
                    lossScaling: lossScaling)
            }
            var summaries = [EpochSummary]()
            let best = try trainer.run(checkpoint: checkpoint) { event in
                if case .epochFinished(let summary) = event { summaries.append(summary) }
            }
            return (trainer.model.parameters.array, best.parameters.array, trainer.bestMetrics, summaries)
        }
        return try results[0].get()
    }

    @Test("two ranks train the weights of one process over the same global batches, up to float reordering")
    func twoRanksMatchOneProcess() throws {
        let dataset = try smallDataset()
        let single = Trainer(
            dataset: dataset, model: Self.configuration, training: smallTraining(epochs: 3),
            engine: makeEngine(threads: 1))
        let singleBest = try single.run(checkpoint: nil) { _ in }
        let group = try trainInGroup(ranks: 2, epochs: 3)
        // Summing two half-batch gradients instead of one whole-batch one reorders float additions (relative
        // error ~1e-7 per step); Adam's normalization passes such differences on without growing them much.
        let difference = relativeDifference(group.parameters, single.model.parameters.array)
        #expect(difference > 0 || group.parameters == single.model.parameters.array)
        #expect(difference < 1e-5, "relative difference \(difference)")
        #expect(relativeDifference(group.best, singleBest.parameters.array) < 1e-5)
        let metrics = try #require(group.metrics)
        let singleMetrics = try #require(single.bestMetrics)
        #expect(abs(metrics.ndcgAt100 - singleMetrics.ndcgAt100) < 1e-3)
        #expect(group.epochs.count == 3)
        #expect(
            group.epochs.allSatisfy {
                $0.communication?.allReduces == single.training.stepsPerEpoch(userCount: dataset.train.rowCount)
            })
        #expect(group.epochs.allSatisfy { $0.communication?.bytesPerAllReduce == 4 * (single.model.layout.count + 3) })
        #expect(group.epochs.map(\.users) == Array(repeating: dataset.train.rowCount, count: 3))
    }

    @Test(
        "bfloat16: two ranks train the weights of one process, within bfloat16 rounding; a group resumes bitwise",
        .enabled(
            if: ComputePrecision.missingInstructions(for: .bfloat16).isEmpty,
            "this CPU has no AVX512-BF16: data-parallel bfloat16 training is not run"))
    func bfloat16Group() throws {
        let dataset = try smallDataset()
        let single = Trainer(
            dataset: dataset, model: Self.configuration, training: smallTraining(epochs: 3),
            engine: try makeEngine(threads: 1, precision: .bfloat16), lossScaling: .dynamic)
        _ = try single.run(checkpoint: nil) { _ in }
        // Rank 0 alone is told the loss scaling; the others take it (and its state) from rank 0.
        let group = try trainInGroup(ranks: 2, epochs: 3, precision: .bfloat16, lossScaling: .dynamic)
        // Two half-batch gradients reorder float additions as in float32; a weight that moves by such an error can
        // also round to a neighbouring bfloat16 value in a later product (2^-8 relative), which is rare: measured
        // 1.2e-7 after 3 epochs on this fixture, with the same NDCG@100. Tolerance: 1e-4, and 1e-3 on NDCG@100.
        let difference = relativeDifference(group.parameters, single.model.parameters.array)
        #expect(difference < 1e-4, "relative difference \(difference)")
        let metrics = try #require(group.metrics)
        let singleMetrics = try #require(single.bestMetrics)
        #expect(abs(metrics.ndcgAt100 - singleMetrics.ndcgAt100) < 1e-3, "\(metrics) vs \(singleMetrics)")

        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let checkpoint = folder.appendingPathComponent("group.checkpoint")
        _ = try trainInGroup(ranks: 2, epochs: 1, checkpoint: checkpoint, precision: .bfloat16, lossScaling: .dynamic)
        var file = try ModelFile.read(checkpoint)
        #expect(file.header.precision == .bfloat16)
        file.header.training?.epochs = 3
        try file.write(to: checkpoint)
        #expect(file.header.lossScale?.mode == .dynamic)
        let resumed = try trainInGroup(ranks: 2, epochs: 3, checkpoint: checkpoint, precision: .bfloat16)
        #expect(resumed.parameters == group.parameters)
    }

    @Test("a group resumed from rank 0's checkpoint ends bitwise where an uninterrupted group run ends")
    func groupResume() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let straight = try trainInGroup(ranks: 2, epochs: 3)
        let checkpoint = folder.appendingPathComponent("group.checkpoint")
        _ = try trainInGroup(ranks: 2, epochs: 1, checkpoint: checkpoint)
        // The checkpoint records 1 epoch of a 1-epoch run; continue it to 3 epochs as a 3-epoch run would.
        var file = try ModelFile.read(checkpoint)
        file.header.training?.epochs = 3
        try file.write(to: checkpoint)
        let resumed = try trainInGroup(ranks: 2, epochs: 3, checkpoint: checkpoint)
        #expect(resumed.parameters == straight.parameters)
        #expect(resumed.epochs.map(\.epoch) == [1, 2])
    }

    @Test("a global batch that does not divide between the ranks is refused, and no rank is left waiting")
    func indivisibleBatch() throws {
        let dataset = try smallDataset()
        var configured = smallTraining(epochs: 1)
        configured.batchSizeTrain = 63
        let training = configured
        let results = ThreadGroup.run(size: 2) { member in
            let engine = makeEngine(threads: 1)
            _ = try Trainer.joiningGroup(member, dataset: dataset, engine: engine) {
                Trainer(dataset: dataset, model: Self.configuration, training: training, engine: engine)
            }
        }
        #expect(throws: DataParallelError.indivisibleBatch(batchSize: 63, members: 2)) { try results[0].get() }
        #expect(throws: (any Error).self) { try results[1].get() }
    }

    @Test("a rank with another dataset than rank 0's says so")
    func datasetMismatch() throws {
        let dataset = try smallDataset()
        let other = try smallDataset(seed: 99)
        let results = ThreadGroup.run(size: 2) { member in
            let engine = makeEngine(threads: 1)
            _ = try Trainer.joiningGroup(member, dataset: member.rank == 0 ? dataset : other, engine: engine) {
                Trainer(dataset: dataset, model: Self.configuration, training: smallTraining(epochs: 1), engine: engine)
            }
        }
        #expect(
            throws: DataParallelError.datasetMismatch(
                rank: 1, dataset: other.fingerprintHex, rootDataset: dataset.fingerprintHex)
        ) { try results[1].get() }
    }

    @Test("BatchShard splits a batch into contiguous, nearly equal parts in rank order")
    func shardLayout() {
        let shards = (0..<3).map { BatchShard.of(batchSize: 10, rank: $0, ranks: 3) }
        #expect(shards.map(\.firstRow) == [0, 4, 7])
        #expect(shards.map(\.count) == [4, 3, 3])
        #expect(shards.map(\.includesRegularization) == [true, false, false])
        #expect(BatchShard.whole(5) == BatchShard.of(batchSize: 5, rank: 0, ranks: 1))
    }
}
