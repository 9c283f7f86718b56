import Foundation
import Testing
import VAECFTestSupport
@testable import VAECFCore

/// Atomic writes and the removal of temporary files left by killed writers.
@Suite("atomic files")
struct AtomicFileTests {
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vaecf-atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("a write removes the temporaries of dead writers of the same file and nothing else")
    func removesStaleTemporaries() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let dead = try TestProcesses.deadProcessID()
        let alive = getpid()
        let stale = [".model.tmp-\(dead)-12345", ".model.tmp-\(dead)-9"]
        let kept = [
            ".model.tmp-\(alive)-77",  // a writer that is still running
            ".model.tmp-\(dead)-abc",  // not our naming scheme
            ".model.tmp-\(dead)-1-2",
            ".model.tmp-",
            ".other.tmp-\(dead)-1",  // another target
            "model.tmp-\(dead)-1",
            ".model.tmp-1x-1",
        ]
        for name in stale + kept {
            try Data("leftover".utf8).write(to: folder.appendingPathComponent(name))
        }
        try AtomicFile.write(Data("new".utf8), to: folder.appendingPathComponent("model"))
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        #expect(names == Set(kept + ["model"]))
        #expect(try String(contentsOf: folder.appendingPathComponent("model"), encoding: .utf8) == "new")
    }

    @Test("leftover folders with a pid suffix are removed only when their process is gone")
    func removesStaleFolders() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let dead = try TestProcesses.deadProcessID()
        let staleFolder = folder.appendingPathComponent(".ml-100k.extract-\(dead)")
        let liveFolder = folder.appendingPathComponent(".ml-100k.extract-\(getpid())")
        for item in [staleFolder, liveFolder] {
            try FileManager.default.createDirectory(
                at: item.appendingPathComponent("inner"), withIntermediateDirectories: true)
        }
        let removed = StaleTemporaryFiles.remove(in: folder, prefix: ".ml-100k.extract-")
        #expect(removed == [staleFolder.lastPathComponent])
        #expect(!FileManager.default.fileExists(atPath: staleFolder.path))
        #expect(FileManager.default.fileExists(atPath: liveFolder.path))
    }

    @Test("a failed write leaves neither the target nor a temporary file")
    func failedWriteLeavesNothing() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("model")
        #expect(throws: AtomicFileError.writeFailed(path: target.path, reason: "stop")) {
            try AtomicFile.write(to: target) { _ throws(AtomicFileError) in
                throw AtomicFileError(path: target.path, reason: "stop")
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test("a write into a missing folder names the folder")
    func missingFolder() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("missing")
        let target = missing.appendingPathComponent("model")
        let error = try #require(throws: AtomicFileError.self) { try AtomicFile.write(Data([1]), to: target) }
        #expect(error == .missingFolder(path: target.path, folder: missing.path))
        #expect(error.description == "cannot write \(target.path): the folder \(missing.path) does not exist")
        #expect(error.localizedDescription == error.description)
    }
}
