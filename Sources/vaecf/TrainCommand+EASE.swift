import ArgumentParser
import Foundation
import VAECF
import VAECFData
import VAECFMPI

extension ModelKind: ExpressibleByArgument {}

extension TrainCommand {
    /// `train --model ease`: the closed-form fit, its validation metrics, and the model file.
    func fitEASE(_ configuration: RunConfiguration) throws {
        if let launch = MPILaunch.detect(), launch.size > 1 {
            throw CommandFailure("EASE is fitted by one process: run `vaecf train --model ease` without mpirun")
        }
        let dataset = try DatasetFile.read(data)
        guard dataset.train.rowCount > 0 else { throw CommandFailure("\(data.path) has no training users") }
        try checkWritable(output)
        let engine = compute.makeEngine()
        let solver = EASESolver(lambda: configuration.easeLambda, gemm: engine.gemm, executor: engine.executor)
        let start = Date()
        let (fitted, method) = try solver.fit(train: dataset.train)
        printError(
            "EASE: \(dataset.itemCount) items, lambda \(configuration.easeLambda), inverse by \(method.rawValue), \(formatDuration(Date().timeIntervalSince(start)))"
        )
        let validation = TrainedModel.ease(fitted).evaluate(
            engine: engine, foldIn: dataset.validationFoldIn, heldOut: dataset.validationHeldOut,
            batchSize: configuration.training.batchSizeValidation)
        let file = fitted.modelFile(
            itemIDs: dataset.itemIDs, datasetFingerprint: dataset.fingerprintHex,
            validation: validation.userCount > 0 ? validation : nil, gemm: engine.gemm,
            threads: engine.executor.threadCount)
        try withTrainingUsers(file, dataset: dataset).write(to: output)
        if validation.userCount > 0 { print("validation: \(validation)") }
        print("model saved to \(output.path)")
    }

    /// `file` keeping the training users' rows of `dataset`, unless --no-user-histories.
    func withTrainingUsers(_ file: ModelFile, dataset: InteractionDataset) throws -> ModelFile {
        guard !noUserHistories else { return file }
        var file = file
        file.trainingUsers = try TrainingUsers(userIDs: dataset.trainUserIDs, rows: dataset.train)
        return file
    }
}
