import Foundation
import Testing
import VAECF
import VAECFCore
import VAECFData

/// RecVAE's settings in configuration files, its preset and search space, and a short `tune` search.
@Suite("RecVAE configuration and tuning")
struct RecVAEConfigurationTests {
    @Test("a RecVAE configuration file round-trips gamma; gamma is refused in another model's file")
    func configurationFile() throws {
        var configuration = RunConfiguration(model: .recvae)
        #expect(configuration.training == TrainingConfiguration(preset: .recvae))
        #expect(
            configuration.training.learningRate == 5e-4 && configuration.training.epochs == 50
                && configuration.training.lam == 0)
        configuration.recVAE = RecVAESettings(gamma: 0.0123)
        let file = RunConfigurationFile(configuration: configuration, source: "test")
        #expect(file.givenKeys.contains("gamma") && !file.givenKeys.contains("activation"))
        let read = try RunConfigurationFile.decode(file.encoded(), path: "r.json")
        #expect(read.configuration.resolvedRecVAE.gamma == 0.0123)
        #expect(read.configuration.network(itemCount: 9).recVAE == RecVAESettings(gamma: 0.0123))
        #expect(!RunConfigurationFile(configuration: RunConfiguration(model: .multvae)).givenKeys.contains("gamma"))

        let foreign =
            #"{"format": "vaecf-configuration", "version": 1, "model": "multvae", "settings": {"gamma": 0.01}}"#
        #expect(throws: RunConfigurationFileError.self) {
            try RunConfigurationFile.decode(Data(foreign.utf8), path: "m.json")
        }
        let deep =
            #"{"format": "vaecf-configuration", "version": 1, "model": "recvae", "settings": {"encoder-dims": [600, 300, 200]}}"#
        #expect(throws: RunConfigurationFileError.self) {
            try RunConfigurationFile.decode(Data(deep.utf8), path: "d.json")
        }
        let negative = #"{"format": "vaecf-configuration", "version": 1, "model": "recvae", "settings": {"gamma": -1}}"#
        #expect(throws: RunConfigurationFileError.self) {
            try RunConfigurationFile.decode(Data(negative.utf8), path: "g.json")
        }
    }

    @Test("the search space draws lr, gamma, dropout and batch size and applies them")
    func searchSpace() throws {
        let space = SearchSpace.defaults(for: .recvae)
        #expect(space.dimensions.map(\.name) == ["lr", "gamma", "keep-probability", "batch-size-train"])
        let applied = space.apply([0.002, 0.02, 0.6, 250], to: RunConfiguration(model: .recvae))
        #expect(applied.training.learningRate == 0.002 && applied.resolvedRecVAE.gamma == 0.02)
        #expect(applied.keepProbability == 0.6 && applied.training.batchSizeTrain == 250)
        var random = RandomSource(seed: 1)
        for _ in 0..<20 {
            let values = space.dimensions.map { $0.sample(&random) }
            #expect(values[3] == values[3].rounded() && (100...1000).contains(values[3]))
        }
    }

    @Test("a short tune --model recvae search completes and chooses a trial measured on the test users")
    func tune() throws {
        let dataset = try smallDataset()
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var training = TrainingConfiguration(preset: .recvae, seed: 3)
        training.batchSizeValidation = 50
        let base = RunConfiguration(
            model: .recvae, encoderDimensions: [16, 6], training: training, recVAE: RecVAESettings(hiddenLayers: 2))
        let plan = try TuningPlan(
            base: base, space: .defaults(for: .recvae), trials: 2, minEpochs: 1, maxEpochs: 2, reductionFactor: 2,
            datasetFingerprint: dataset.fingerprintHex)
        let tuner = try Tuner(plan: plan, dataset: dataset, engine: makeEngine(), folder: folder)
        #expect(try tuner.run(budget: TuningBudget()) == .complete)
        #expect(tuner.state.evaluations.map(\.rung) == [0, 0, 1])
        let choice = try tuner.testChoice()
        #expect(choice.file.configuration.model == .recvae && choice.test.ndcgAt100 > 0)
    }
}
