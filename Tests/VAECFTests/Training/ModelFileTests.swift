import Foundation
import Testing
import VAECF
import VAECFData

@Suite("Model files and checkpoints")
struct ModelFileTests {
    func sample() throws -> (ModelFile, ModelFile) {
        let dataset = try smallDataset()
        let configuration = MultVAEConfiguration(
            itemCount: dataset.itemCount, encoderDimensions: [8, 4], activation: .relu)
        let trainer = Trainer(
            dataset: dataset, model: configuration, training: smallTraining(epochs: 1), engine: makeEngine())
        _ = try trainer.trainEpoch()
        _ = trainer.validate()
        return (trainer.modelFile(), trainer.checkpointFile())
    }

    @Test("model and checkpoint round trip")
    func roundTrip() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (model, checkpoint) = try sample()
        for file in [model, checkpoint] {
            let url = folder.appendingPathComponent("file")
            try file.write(to: url)
            let read = try ModelFile.read(url)
            #expect(read.parameters == file.parameters)
            #expect(read.bestParameters == file.bestParameters)
            #expect(read.optimizer?.firstMoments == file.optimizer?.firstMoments)
            #expect(read.optimizer?.secondMoments == file.optimizer?.secondMoments)
            #expect(read.header.kind == file.header.kind)
            #expect(read.header.model == file.header.model)
            #expect(read.header.training == file.header.training)
            #expect(read.header.itemIDs == file.header.itemIDs)
            #expect(read.header.datasetFingerprint == file.header.datasetFingerprint)
            #expect(read.header.step == file.header.step && read.header.epoch == 1)
            #expect(read.header.validation == file.header.validation)
        }
        #expect(checkpoint.optimizer != nil && model.optimizer == nil)
    }

    @Test("corrupt, truncated, foreign and missing files are refused with a reason")
    func corruption() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (model, _) = try sample()
        let url = folder.appendingPathComponent("model")
        try model.write(to: url)
        let bytes = try Data(contentsOf: url)
        let damaged = folder.appendingPathComponent("damaged")
        func expectFailure(_ data: Data, _ matches: (ModelFileError) -> Bool) throws {
            try data.write(to: damaged)
            #expect { _ = try ModelFile.read(damaged) } throws: { ($0 as? ModelFileError).map(matches) ?? false }
        }
        var flipped = bytes
        flipped[bytes.count - 100] ^= 0x40
        try expectFailure(flipped) { $0 == .checksumMismatch(path: damaged.path) }
        try expectFailure(bytes.prefix(bytes.count - 10), ModelFileHardeningTests.truncated)
        try expectFailure(bytes.prefix(10), ModelFileHardeningTests.truncated)
        try expectFailure(Data("userId,itemId\n1,2\n".utf8)) { $0 == .notAModelFile(path: damaged.path) }
        var version = bytes
        version[8] = 9
        try expectFailure(version) { $0 == .unsupportedVersion(path: damaged.path, found: 9, supported: 1) }
        #expect(
            ModelFileError.notAModelFile(path: "m").description
                == "m: not a vaecf model or checkpoint (wrong magic bytes)")
        let absent = folder.appendingPathComponent("absent")
        #expect { _ = try ModelFile.read(absent) } throws: { error in
            guard case .unreadable(let path, _)? = error as? ModelFileError else { return false }
            return path == absent.path
        }
    }

    @Test("writing into a missing folder fails and leaves nothing")
    func unwritable() throws {
        let (model, _) = try sample()
        let url = URL(fileURLWithPath: "/nonexistent-folder-\(UUID().uuidString)/model")
        #expect { try model.write(to: url) } throws: { error in
            guard case .unwritable(let failure)? = error as? ModelFileError else { return false }
            return failure.path == url.path && "\(failure)".contains("does not exist")
        }
    }
}
