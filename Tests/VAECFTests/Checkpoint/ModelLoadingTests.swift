import Foundation
import Testing
@testable import VAECF
import VAECFCompute
import VAECFCore

/// Non-finite weights and checkpoints given where a model is expected.
@Suite("Model loading: finite weights, checkpoints as models")
struct ModelLoadingTests {
    /// A checkpoint whose last-epoch weights (`current`) differ from its best ones (`best`).
    static func checkpoint(current: MultVAE, best: MultVAE, bestEpoch: Int = 1) -> ModelFile {
        var file = RecommendFixture.file(best)
        file.header.kind = .checkpoint
        file.header.bestEpoch = bestEpoch
        let zeros = [Float](repeating: 0, count: best.parameters.count)
        return ModelFile(
            header: file.header, parameters: current.parameters.array,
            optimizer: .init(firstMoments: zeros, secondMoments: zeros), bestParameters: best.parameters.array)
    }

    static func written(_ file: ModelFile, in folder: URL, name: String = "model") throws -> URL {
        let url = folder.appendingPathComponent(name)
        try file.write(to: url)
        return url
    }

    @Test(
        "NaN and infinite weights are refused at load, naming the tensor and the position",
        arguments: [
            (Float.nan, "NaN"), (Float.infinity, "+infinity"), (-Float.infinity, "-infinity"),
        ])
    func nonFinite(value: Float, name: String) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = RecommendFixture.model()
        let layout = model.layout
        var file = RecommendFixture.file(model)
        let tensor = try #require(layout.tensors.first { $0.name == "decoder.1.weight" })
        file.parameters[tensor.offset + tensor.columns + 3] = value
        let url = try Self.written(file, in: folder)
        for load in [{ _ = try ModelFile.read(url) }, { _ = try ModelFile.readModel(url) }] {
            #expect { try load() } throws: { error in
                guard case .nonFiniteWeights(url.path, "weights", let problem)? = error as? ModelFileError else {
                    return false
                }
                return problem.contains(
                    "decoder.1.weight holds \(name) at index \(tensor.columns + 3) (row 1, column 3)")
            }
        }
        #expect(throws: ModelFileError.self) {
            _ = try Recommender.load(url, gemm: .portable(threadCount: 1), threadCount: 1) { _ in }
        }
    }

    @Test("the finite check finds the first bad value in the vector part and in the tail")
    func firstNonFinite() {
        for count in [0, 1, 15, 16, 17, 64, 1000, 1037] {
            var values = (0..<count).map { Float($0) * 1e30 }
            #expect(values.withUnsafeBufferPointer { NonFiniteWeights.firstNonFinite($0) } == nil)
            for position in Set([0, count / 2, count - 1]) where position >= 0 && count > 0 {
                let saved = values[position]
                for bad in [Float.nan, .infinity, -.infinity, .signalingNaN] {
                    values[position] = bad
                    #expect(values.withUnsafeBufferPointer { NonFiniteWeights.firstNonFinite($0) } == position)
                }
                values[position] = saved
            }
        }
    }

    @Test("a checkpoint loads as its best-validation weights with a note; its last-epoch weights are not used")
    func checkpointAsModel() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let best = RecommendFixture.model(seed: 3)
        let last = RecommendFixture.model(seed: 4)
        let url = try Self.written(
            Self.checkpoint(current: last, best: best, bestEpoch: 1), in: folder, name: "x.checkpoint")
        let loaded = try ModelFile.readModel(url)
        #expect(loaded.header.kind == .model && loaded.optimizer == nil && loaded.bestParameters == nil)
        #expect(loaded.parameters == best.parameters.array)
        #expect(loaded.notice == "\(url.path) is a training checkpoint: using its best-validation weights (epoch 2)")

        var notices = [String]()
        let recommender = try Recommender.load(url, gemm: .portable(threadCount: 2), threadCount: 2) {
            notices.append($0)
        }
        #expect(notices == [loaded.notice!])
        let expected = RecommendFixture.recommender(best)
        let queries = RecommendFixture.randomQueries(count: 8, k: 5)
        #expect(recommender.recommend(queries) == expected.recommend(queries))

        let model = try Self.written(RecommendFixture.file(best), in: folder)
        #expect(try ModelFile.readModel(model).notice == nil)
    }

    @Test("a checkpoint whose training settings cannot run (batch size 0, negative rate, beta 1) is refused at read")
    func unusableTrainingSettings() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = RecommendFixture.model()
        var file = Self.checkpoint(current: model, best: model)
        file.header.training = TrainingConfiguration(preset: .paper)
        #expect(try ModelFile.read(Self.written(file, in: folder)).header.training == file.header.training)
        let damages: [(reason: String, damage: (inout TrainingConfiguration) -> Void)] = [
            ("batch-size-train is 0", { $0.batchSizeTrain = 0 }),
            ("lr is -1.0", { $0.learningRate = -1 }),
            ("beta2 is 1.0", { $0.beta2 = 1 }),
        ]
        for (reason, damage) in damages {
            var damaged = file
            var training = TrainingConfiguration(preset: .paper)
            damage(&training)
            damaged.header.training = training
            let url = try Self.written(damaged, in: folder, name: "damaged")
            #expect { _ = try ModelFile.read(url) } throws: { error in
                guard case .inconsistentHeader(url.path, let problem)? = error as? ModelFileError else { return false }
                return problem.contains("training settings are unusable: \(reason)")
            }
        }
    }

    @Test("a checkpoint without a validated epoch is refused as a model")
    func checkpointWithoutBest() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = RecommendFixture.model()
        let url = try Self.written(Self.checkpoint(current: model, best: model, bestEpoch: -1), in: folder)
        #expect(throws: ModelFileError.noBestWeights(path: url.path)) { _ = try ModelFile.readModel(url) }
        #expect(try ModelFile.read(url).header.kind == .checkpoint)
    }

    @Test("as a model, only a checkpoint's best weights must be finite; resuming needs every block finite")
    func checkpointBlocksChecked() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = RecommendFixture.model()
        var diverged = Self.checkpoint(current: model, best: model)
        diverged.parameters[5] = .nan
        let url = try Self.written(diverged, in: folder)
        #expect(try ModelFile.readModel(url).parameters == model.parameters.array)
        #expect { _ = try ModelFile.read(url) } throws: { error in
            guard case .nonFiniteWeights(_, "weights", let problem)? = error as? ModelFileError else { return false }
            return problem.hasPrefix("encoder.0.weight holds NaN at index 5")
        }

        var badBest = Self.checkpoint(current: model, best: model)
        badBest.bestParameters?[7] = .infinity
        let badBestURL = try Self.written(badBest, in: folder, name: "best")
        #expect { _ = try ModelFile.readModel(badBestURL) } throws: { error in
            guard case .nonFiniteWeights(_, "best-validation weights", let problem)? = error as? ModelFileError else {
                return false
            }
            return problem.hasPrefix("encoder.0.weight holds +infinity at index 7")
        }
    }
}
