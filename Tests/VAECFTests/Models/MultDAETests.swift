import Foundation
import Testing
@testable import VAECF
import VAECFCompute
import VAECFCore
import VAECFData

@Suite("Mult-DAE")
struct MultDAETests {
    @Test("the encoder ends in the latent size, not 2 x latent; the decoder is Mult-VAE's")
    func layout() {
        let denoising = ParameterLayout(
            configuration: MultVAEConfiguration(itemCount: 30, encoderDimensions: [12, 4], variational: false))
        let variational = ParameterLayout(
            configuration: MultVAEConfiguration(itemCount: 30, encoderDimensions: [12, 4]))
        #expect(denoising.tensors.map(\.name) == variational.tensors.map(\.name))
        #expect(denoising.tensors[2].columns == 4 && variational.tensors[2].columns == 8)
        #expect(variational.count - denoising.count == 12 * 4 + 4)
    }

    @Test("trains without a KL term, beats most-popular, and round-trips its file as multdae")
    func trainsAndRoundTrips() throws {
        let dataset = try smallDataset()
        let configuration = MultVAEConfiguration(
            itemCount: dataset.itemCount, encoderDimensions: [40, 10], variational: false)
        let engine = makeEngine()
        let trainer = Trainer(
            dataset: dataset, model: configuration, training: smallTraining(epochs: 12), engine: engine)
        var divergences = [Double]()
        let model = try trainer.run(checkpoint: nil) { event in
            if case .epochFinished(let summary) = event { divergences.append(summary.loss.kullbackLeibler) }
        }
        #expect(divergences.count == 12 && divergences.allSatisfy { $0 == 0 })
        let trained = TrainedModel.autoencoder(model).evaluate(
            engine: engine, foldIn: dataset.testFoldIn, heldOut: dataset.testHeldOut, batchSize: 50)
        let popularity = PopularityBaseline(train: dataset.train)
        let baseline = Evaluator(
            foldIn: dataset.testFoldIn, heldOut: dataset.testHeldOut, batchSize: 50,
            executor: engine.executor
        ).evaluate { rows, output in popularity.score(rows: rows, output: output) }
        #expect(trained.ndcgAt100 > baseline.ndcgAt100, "Mult-DAE \(trained) vs popularity \(baseline)")

        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("dae.model")
        try trainer.modelFile().write(to: url)
        let read = try ModelFile.read(url)
        #expect(read.header.modelKind == .multdae && read.header.resolvedKind == .multdae)
        let loaded = TrainedModel(file: read)
        #expect(loaded.kind == .multdae && loaded.parameterCount == model.layout.count)
        let reloaded = loaded.evaluate(
            engine: engine, foldIn: dataset.testFoldIn, heldOut: dataset.testHeldOut, batchSize: 50)
        #expect(reloaded == trained)
    }

    @Test("a header without the model kind and the variational field (earlier versions) loads as Mult-VAE")
    func olderFilesAreMultVAE() throws {
        let configuration = MultVAEConfiguration(itemCount: 9, encoderDimensions: [4, 2])
        let json = String(decoding: try JSONEncoder().encode(configuration), as: UTF8.self)
        #expect(!json.contains("variational"))
        let decoded = try JSONDecoder().decode(MultVAEConfiguration.self, from: Data(json.utf8))
        #expect(decoded.variational)
        let denoising = MultVAEConfiguration(itemCount: 9, encoderDimensions: [4, 2], variational: false)
        #expect(try JSONDecoder().decode(MultVAEConfiguration.self, from: JSONEncoder().encode(denoising)) == denoising)

        let model = MultVAE(configuration: configuration, seed: 1)
        let header = ModelFile.Header(
            kind: .model, model: configuration, training: nil, itemIDs: (0..<9).map { "i\($0)" },
            datasetFingerprint: "f", epoch: 1, step: 1, bestEpoch: 0, validation: nil, backend: "portable", threads: 1)
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("old.model")
        try ModelFile(header: header, parameters: model.parameters.array, optimizer: nil, bestParameters: nil).write(
            to: url)
        let read = try ModelFile.read(url)
        #expect(read.header.modelKind == nil && read.header.resolvedKind == .multvae)
        #expect(TrainedModel(file: read).kind == .multvae)
    }
}
