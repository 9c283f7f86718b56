import Foundation
import Testing
import VAECFCompute
import VAECFCore
import VAECFData

@testable import VAECF

@Suite("Loss scaling and bfloat16 training")
struct LossScalingTests {
    static func shape(_ dataset: InteractionDataset) -> MultVAEConfiguration {
        MultVAEConfiguration(itemCount: dataset.itemCount, encoderDimensions: [16, 6])
    }

    static func bits(_ buffer: FloatBuffer) -> [UInt32] { buffer.array.map(\.bitPattern) }

    @Test("dynamic scale: halves and skips on overflow (not below 1), doubles after the growth interval")
    func dynamicStateMachine() {
        var state = DynamicLossScale(mode: .dynamic)
        #expect(state.scale == 32768 && state.isActive)
        let overflowApplied = state.record(finite: false)
        #expect(!overflowApplied)
        #expect(state.scale == 16384 && state.skippedSteps == 1 && state.cleanSteps == 0)
        var applied = 0
        for _ in 0..<(DynamicLossScale.growthInterval - 1) where state.record(finite: true) { applied += 1 }
        #expect(applied == DynamicLossScale.growthInterval - 1 && state.scale == 16384)
        let growthApplied = state.record(finite: true)
        #expect(growthApplied)
        #expect(state.scale == 32768 && state.cleanSteps == 0)
        for _ in 0..<40 { _ = state.record(finite: false) }
        #expect(state.scale == 1 && state.skippedSteps == 41)

        var fixed = DynamicLossScale(mode: .fixed(128))
        let fixedApplied = fixed.record(finite: false)
        #expect(!fixedApplied)
        #expect(fixed.scale == 128 && fixed.skippedSteps == 1)
        var none = DynamicLossScale(mode: .none)
        let noneApplied = none.record(finite: false)
        #expect(!none.isActive && noneApplied && none.scale == 1)
    }

    @Test("--loss-scale values parse; bad ones do not")
    func parsing() {
        #expect(LossScaling(argument: "dynamic") == .dynamic)
        #expect(LossScaling(argument: "NONE") == LossScaling.none)
        #expect(LossScaling(argument: "1024") == .fixed(1024))
        for bad in ["0", "-4", "inf", "nan", "lots"] { #expect(LossScaling(argument: bad) == nil, "\(bad)") }
    }

    @Test("without overflow, a scaled run gives the bits of the unscaled one (powers of two commute with rounding)")
    func scalingChangesNothingWithoutOverflow() throws {
        let dataset = try smallDataset()
        var results: [[UInt32]] = []
        for mode in [LossScaling.none, .dynamic, .fixed(64)] {
            let trainer = Trainer(
                dataset: dataset, model: Self.shape(dataset), training: smallTraining(epochs: 2), engine: makeEngine(),
                lossScaling: mode)
            _ = try trainer.run(checkpoint: nil) { _ in }
            results.append(Self.bits(trainer.model.parameters))
            #expect(trainer.lossScale.skippedSteps == 0)
        }
        #expect(results[1] == results[0])
        #expect(results[2] == results[0])
    }

    @Test("an injected overflow skips its step, halves the scale, and training continues to the same quality")
    func injectedOverflow() throws {
        let dataset = try smallDataset()
        let configuration = MultVAEConfiguration(itemCount: dataset.itemCount, encoderDimensions: [40, 10])
        func run(injecting steps: Set<Int>) throws -> (Trainer, RankingMetrics, [Float]) {
            let trainer = Trainer(
                dataset: dataset, model: configuration, training: smallTraining(epochs: 5), engine: makeEngine(),
                lossScaling: .dynamic)
            trainer.injectedOverflowSteps = steps
            var afterFirstEpoch: [Float] = []
            _ = try trainer.trainEpoch()
            afterFirstEpoch = trainer.model.parameters.array
            _ = try trainer.run(checkpoint: nil) { _ in }
            let metrics = trainer.evaluate(
                model: trainer.bestModel(), foldIn: dataset.testFoldIn, heldOut: dataset.testHeldOut)
            return (trainer, metrics, afterFirstEpoch)
        }
        let (clean, cleanMetrics, _) = try run(injecting: [])
        let (faulty, faultyMetrics, _) = try run(injecting: [3, 4])
        #expect(faulty.lossScale.skippedSteps == 2)
        #expect(faulty.lossScale.scale == DynamicLossScale.initialScale / 4)
        #expect(faulty.optimizer.stepCount == clean.optimizer.stepCount)
        let finite = faulty.model.parameters.array.allSatisfy(\.isFinite)
        #expect(finite)
        #expect(abs(faultyMetrics.ndcgAt100 - cleanMetrics.ndcgAt100) < 0.03, "\(faultyMetrics) vs \(cleanMetrics)")

        // The skipped step leaves weights and moments alone: a step-3-only run equals the clean run until then.
        let probe = Trainer(
            dataset: dataset, model: configuration, training: smallTraining(epochs: 1), engine: makeEngine(),
            lossScaling: .dynamic)
        probe.injectedOverflowSteps = [0]
        let initial = probe.model.parameters.array
        let batches = probe.batches(ofEpoch: 0)
        #expect(batches.count > 1)
        _ = try probe.trainEpoch()
        #expect(probe.lossScale.skippedSteps == 1 && probe.model.parameters.array != initial)
    }

    @Test(
        "the loss scale's state is checkpointed: a resumed run with an overflow continues bit for bit",
        arguments: [ComputePrecision.float32, .bfloat16])
    func resumeKeepsTheScale(precision: ComputePrecision) throws {
        guard ComputePrecision.missingInstructions(for: precision).isEmpty else {
            print("skipped: this CPU has no AVX512-BF16, the bfloat16 resume is not run")
            return
        }
        func makeEngine() throws -> MultVAEEngine { try VAECFTests.makeEngine(threads: 2, precision: precision) }
        let dataset = try smallDataset()
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let straight = Trainer(
            dataset: dataset, model: Self.shape(dataset), training: smallTraining(epochs: 3), engine: try makeEngine(),
            lossScaling: .dynamic)
        straight.injectedOverflowSteps = [2, 12]
        _ = try straight.run(checkpoint: nil) { _ in }

        let url = folder.appendingPathComponent("run.checkpoint")
        let first = Trainer(
            dataset: dataset, model: Self.shape(dataset), training: smallTraining(epochs: 1), engine: try makeEngine(),
            lossScaling: .dynamic)
        first.injectedOverflowSteps = [2, 12]
        _ = try first.run(checkpoint: url) { _ in }
        let checkpoint = try ModelFile.read(url)
        #expect(checkpoint.header.lossScale?.skippedSteps == 1)
        let resumed = try Trainer(
            dataset: dataset, resumingFrom: checkpoint, engine: try makeEngine(), training: smallTraining(epochs: 3))
        resumed.injectedOverflowSteps = [2, 12]
        _ = try resumed.run(checkpoint: nil) { _ in }
        #expect(resumed.lossScale == straight.lossScale)
        #expect(Self.bits(resumed.model.parameters) == Self.bits(straight.model.parameters))
    }

    @Test("a checkpoint with an unusable loss scale is refused when read")
    func craftedScaleIsRefused() throws {
        let dataset = try smallDataset()
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let trainer = Trainer(
            dataset: dataset, model: Self.shape(dataset), training: smallTraining(epochs: 1), engine: makeEngine(),
            lossScaling: .dynamic)
        _ = try trainer.trainEpoch()
        // (JSON headers cannot hold NaN or infinities: the encoder refuses them, the decoder never produces them.)
        for bad: Float in [0, -2, -1] {
            var file = trainer.checkpointFile()
            if bad == -1 { file.header.lossScale?.mode = .fixed(-1) } else { file.header.lossScale?.scale = bad }
            let url = folder.appendingPathComponent("bad.checkpoint")
            try file.write(to: url)
            #expect(throws: ModelFileError.self) { try ModelFile.read(url) }
        }
    }

    @Test(
        "bfloat16 training: products on rounded inputs, float32 weights, the quality of float32",
        .enabled(
            if: ComputePrecision.missingInstructions(for: .bfloat16).isEmpty,
            "this CPU has no AVX512-BF16: bfloat16 training is not run"))
    func bfloat16Training() throws {
        let dataset = try smallDataset()
        let configuration = MultVAEConfiguration(itemCount: dataset.itemCount, encoderDimensions: [40, 10])
        func run(_ precision: ComputePrecision, threads: Int, epochs: Int = 8) throws -> (Trainer, RankingMetrics) {
            let gemm = try GEMM.portable(threadCount: threads).withPrecision(precision)
            let engine = MultVAEEngine(gemm: gemm, executor: ParallelExecutor(threadCount: threads), logitBlockRows: 40)
            let trainer = Trainer(
                dataset: dataset, model: configuration, training: smallTraining(epochs: epochs), engine: engine,
                lossScaling: precision == .bfloat16 ? .dynamic : .none)
            _ = try trainer.run(checkpoint: nil) { _ in }
            let metrics = trainer.evaluate(
                model: trainer.bestModel(), foldIn: dataset.testFoldIn, heldOut: dataset.testHeldOut)
            return (trainer, metrics)
        }
        let (single, singleMetrics) = try run(.float32, threads: 2)
        let (mixed, mixedMetrics) = try run(.bfloat16, threads: 2)
        let (first, _) = try run(.bfloat16, threads: 2, epochs: 1)
        let (again, _) = try run(.bfloat16, threads: 2, epochs: 1)
        #expect(Self.bits(mixed.model.parameters) != Self.bits(single.model.parameters))
        #expect(Self.bits(first.model.parameters) == Self.bits(again.model.parameters))
        #expect(abs(mixedMetrics.ndcgAt100 - singleMetrics.ndcgAt100) < 0.03, "\(mixedMetrics) vs \(singleMetrics)")
        #expect(mixed.modelFile().header.precision == .bfloat16 && single.modelFile().header.precision == nil)
    }
}
