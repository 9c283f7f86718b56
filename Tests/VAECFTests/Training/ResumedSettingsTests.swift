import Foundation
import Testing
import VAECF
import VAECFData

@Suite("Resumed settings")
struct ResumedSettingsTests {
    static func shape(_ dataset: InteractionDataset) -> MultVAEConfiguration {
        MultVAEConfiguration(itemCount: dataset.itemCount, encoderDimensions: [8, 4])
    }

    /// A checkpoint after `epochs` epochs of the small run.
    static func checkpoint(after epochs: Int, dataset: InteractionDataset) throws -> ModelFile {
        let trainer = Trainer(
            dataset: dataset, model: shape(dataset), training: smallTraining(epochs: epochs), engine: makeEngine())
        _ = try trainer.run(checkpoint: nil) { _ in }
        return trainer.checkpointFile()
    }

    @Test("only given settings count; adjustable ones change, fixed ones that differ are refused")
    func resolve() throws {
        let dataset = try smallDataset()
        let checkpoint = try Self.checkpoint(after: 1, dataset: dataset)
        var requested = smallTraining(epochs: 3)
        requested.learningRate = 0.5
        requested.validationStep = 2
        let model = Self.shape(dataset)

        // The learning rate differs but was not given: the checkpoint's is kept.
        let settings = try ResumedSettings.resolve(
            checkpoint: checkpoint, requestedModel: model, requestedTraining: requested,
            given: [.epochs, .validationStep])
        #expect(settings.training.epochs == 3 && settings.training.validationStep == 2)
        #expect(settings.training.learningRate == checkpoint.header.training?.learningRate)
        #expect(settings.changes.map(\.setting) == [.epochs, .validationStep])
        #expect(settings.fromCheckpoint.contains { $0.setting == .lr && $0.value == "0.001" })

        var wider = model
        wider.encoderDimensions = [16, 4]
        #expect(
            throws: ResumeError.fixedSettingsDiffer(
                path: "",
                [
                    .init(setting: .lr, checkpointValue: "0.001", requestedValue: "0.5"),
                    .init(setting: .encoderDimensions, checkpointValue: "8,4", requestedValue: "16,4"),
                ])
        ) {
            try ResumedSettings.resolve(
                checkpoint: checkpoint, requestedModel: wider, requestedTraining: requested,
                given: [.lr, .encoderDimensions])
        }
        #expect(throws: ResumeError.fewerEpochs(path: "", requested: 0, completed: 1)) {
            var none = requested
            none.epochs = 0
            try ResumedSettings.resolve(
                checkpoint: checkpoint, requestedModel: model, requestedTraining: none, given: [.epochs])
        }
        var modelFile = checkpoint
        modelFile.header.kind = .model
        #expect(throws: ResumeError.notACheckpoint(path: "")) {
            try ResumedSettings.resolve(
                checkpoint: modelFile, requestedModel: model, requestedTraining: requested, given: [])
        }
    }

    @Test("the model kind is fixed: --model multdae on a Mult-VAE checkpoint is refused, unless not given")
    func modelKindIsFixed() throws {
        let dataset = try smallDataset()
        let checkpoint = try Self.checkpoint(after: 1, dataset: dataset)
        var denoising = Self.shape(dataset)
        denoising.variational = false
        let training = try #require(checkpoint.header.training)
        #expect(
            throws: ResumeError.fixedSettingsDiffer(
                path: "",
                [
                    .init(setting: .model, checkpointValue: "multvae", requestedValue: "multdae")
                ])
        ) {
            try ResumedSettings.resolve(
                checkpoint: checkpoint, requestedModel: denoising, requestedTraining: training, given: [.model])
        }
        let kept = try ResumedSettings.resolve(
            checkpoint: checkpoint, requestedModel: denoising, requestedTraining: training, given: [])
        #expect(kept.fromCheckpoint.contains { $0.setting == .model && $0.value == "multvae" })
    }

    @Test("a finished run continued with more epochs ends bitwise where a longer run ends")
    func extendFinishedRun() throws {
        let dataset = try smallDataset()
        let straight = Trainer(
            dataset: dataset, model: Self.shape(dataset), training: smallTraining(epochs: 4), engine: makeEngine())
        _ = try straight.run(checkpoint: nil) { _ in }

        let checkpoint = try Self.checkpoint(after: 2, dataset: dataset)
        let settings = try ResumedSettings.resolve(
            checkpoint: checkpoint, requestedModel: Self.shape(dataset), requestedTraining: smallTraining(epochs: 4),
            given: [.epochs])
        let resumed = try Trainer(
            dataset: dataset, resumingFrom: checkpoint, engine: makeEngine(), training: settings.training)
        #expect(resumed.completedEpochs == 2 && resumed.training.epochs == 4)
        _ = try resumed.run(checkpoint: nil) { _ in }
        #expect(resumed.model.parameters.array == straight.model.parameters.array)
        #expect(resumed.bestParameters.array == straight.bestParameters.array)
        #expect(resumed.bestEpoch == straight.bestEpoch)
    }
}
