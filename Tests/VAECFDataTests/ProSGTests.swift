import Foundation
import Testing
import VAECFCore
import VAECFData

@Suite("pro_sg import and export")
final class ProSGTests {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("vaecf-prosg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    static let pairFiles = [
        ProSG.trainFile, ProSG.validationFoldInFile, ProSG.validationHeldOutFile, ProSG.testFoldInFile,
        ProSG.testHeldOutFile,
    ]

    /// The data lines of a pair file, as a set.
    static func pairs(_ url: URL) throws -> Set<String> {
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.first == "uid,sid")
        return Set(lines.dropFirst())
    }

    /// Writes a small, valid pro_sg folder: 3 train users, 1 validation user (uid 3), 1 test user (uid 4).
    func writeSmallFolder(_ overrides: [String: String] = [:]) throws -> URL {
        let target = folder.appendingPathComponent("pro_sg")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        var files = [
            ProSG.trainFile: "uid,sid\n0,0\n0,2\n1,1\n2,0\n2,3\n2,3\n",
            ProSG.validationFoldInFile: "uid,sid\n3,0\n3,1\n",
            ProSG.validationHeldOutFile: "uid,sid\n3,3\n",
            ProSG.testFoldInFile: "uid,sid\r\n4,2\r\n",
            ProSG.testHeldOutFile: "uid,sid\n",
            ProSG.itemListFile: "50\n7\n12\n99\n",
        ]
        files.merge(overrides) { $1 }
        for (name, text) in files { try Data(text.utf8).write(to: target.appendingPathComponent(name)) }
        return target
    }

    @Test func importsASmallFolder() throws {
        let dataset = try ProSG.importFolder(try writeSmallFolder())
        #expect(dataset.itemIDs == ["50", "7", "12", "99"])
        #expect(dataset.trainUserIDs == ["0", "1", "2"])
        #expect(dataset.validationUserIDs == ["3"])
        #expect(dataset.testUserIDs == ["4"])
        #expect(dataset.train.rowOffsets == [0, 2, 3, 5])  // the repeated 2,3 counts once
        #expect(dataset.train.columnIndices == [0, 2, 1, 0, 3])
        #expect(Array(dataset.validationHeldOut.row(0)) == [3])
        #expect(Array(dataset.testFoldIn.row(0)) == [2])
        #expect(dataset.testHeldOut.rowCount == 1 && dataset.testHeldOut.nonZeroCount == 0)
    }

    @Test func usesUniqueUIDWhenPresentAndExportRoundTrips() throws {
        let source = try writeSmallFolder([ProSG.userListFile: "ann\nbob\ncy\ndee\neve\n"])
        let dataset = try ProSG.importFolder(source)
        #expect(dataset.trainUserIDs == ["ann", "bob", "cy"])
        #expect(dataset.testUserIDs == ["eve"])
        let exported = folder.appendingPathComponent("out/nested")
        try ProSG.export(dataset, to: exported)
        var again = try ProSG.importFolder(exported)
        again.settings = dataset.settings
        #expect(again == dataset)
        #expect(
            try String(contentsOf: exported.appendingPathComponent(ProSG.testHeldOutFile), encoding: .utf8)
                == "uid,sid\n")
    }

    private func importError(_ overrides: [String: String], remove: String? = nil) throws -> DataError? {
        let source = try writeSmallFolder(overrides)
        if let remove { try FileManager.default.removeItem(at: source.appendingPathComponent(remove)) }
        do {
            _ = try ProSG.importFolder(source)
            return nil
        } catch { return error }
    }

    @Test func reportsBadHeaders() throws {
        let error = try importError([ProSG.validationFoldInFile: "user,item\n3,0\n"])
        #expect(error?.file.hasSuffix(ProSG.validationFoldInFile) == true)
        guard case .malformedLine(_, 1, "the header 'uid,sid'", "'user,item'") = error else {
            Issue.record("expected a wrong header, got \(String(describing: error))")
            return
        }
    }

    @Test func reportsNonIntegers() throws {
        let error = try importError([ProSG.trainFile: "uid,sid\n0,0\n1,x\n"])
        #expect(error?.file.hasSuffix(ProSG.trainFile) == true)
        guard case .malformedLine(_, 3, "two non-negative integers 'uid,sid'", "'1,x'") = error else {
            Issue.record("expected a malformed pair, got \(String(describing: error))")
            return
        }
        #expect(try importError([ProSG.trainFile: "uid,sid\n0,0,1\n"])?.line == 2)
        #expect(try importError([ProSG.trainFile: "uid,sid\n-1,0\n"])?.line == 2)
        #expect(try importError([ProSG.trainFile: "uid,sid\n0,99999999999\n"])?.line == 2)
    }

    @Test func reportsSIDsOutOfRange() throws {
        let error = try importError([ProSG.testHeldOutFile: "uid,sid\n4,1\n4,4\n"])
        #expect(error?.file.hasSuffix(ProSG.testHeldOutFile) == true)
        guard case .itemOutOfRange(_, 3, 4, _, ProSG.itemListFile) = error else {
            Issue.record("expected a sid out of range, got \(String(describing: error))")
            return
        }
    }

    @Test func reportsMissingFiles() throws {
        for name in [ProSG.itemListFile, ProSG.testFoldInFile] {
            let error = try importError([:], remove: name)
            #expect(error?.file.hasSuffix(name) == true)
            guard case .missingFile(_, "a pro_sg folder") = error else {
                Issue.record("expected a missing file, got \(String(describing: error))")
                return
            }
        }
        #expect(throws: DataError.self) { try ProSG.importFolder(folder.appendingPathComponent("nowhere")) }
    }

    @Test func reportsUsersInTwoBlocksAndShortUserLists() throws {
        let error = try importError([ProSG.testFoldInFile: "uid,sid\n4,2\n1,0\n"])
        #expect(error?.file.hasSuffix(ProSG.testFoldInFile) == true)
        guard case .duplicateUser(_, 3, 1, let owner) = error, owner.hasSuffix(ProSG.trainFile) else {
            Issue.record("expected a user in two blocks, got \(String(describing: error))")
            return
        }
        let short = try importError([ProSG.userListFile: "a\nb\n"])
        #expect(short?.file.hasSuffix(ProSG.userListFile) == true)
        guard case .userListTooShort(_, 2, _) = short else {
            Issue.record("expected a short user list, got \(String(describing: short))")
            return
        }
    }

    @Test func refusesIDsWithLineBreaks() throws {
        var dataset = try ProSG.importFolder(try writeSmallFolder())
        dataset.itemIDs[1] = "a\nb"
        #expect(throws: DataError.self) { try ProSG.export(dataset, to: folder.appendingPathComponent("bad")) }
    }

    @Test(.enabled(if: SplitTestData.shared("splits/ml-100k") != nil, "../shared/splits/ml-100k is absent"))
    func movieLens100KReferenceSplitRoundTrips() throws {
        try checkReferenceSplit(
            "splits/ml-100k", counts: [738, 100, 100, 1404], interactions: [44_138, 4_649, 1_116, 4_367, 1_044])
    }

    #if !DEBUG
    @Test(.enabled(if: SplitTestData.shared("splits/synth-medium") != nil, "../shared/splits/synth-medium is absent"))
    func syntheticMediumReferenceSplitRoundTrips() throws {
        try checkReferenceSplit("splits/synth-medium", counts: [15_753, 2_000, 2_000, 8_000], interactions: nil)
    }
    #endif

    /// Imports a reference folder, checks its counts, exports it and compares every file's pairs.
    private func checkReferenceSplit(_ path: String, counts: [Int], interactions: [Int]?) throws {
        let source = SplitTestData.shared(path)!
        let dataset = try ProSG.importFolder(source)
        #expect(
            [dataset.trainUserIDs.count, dataset.validationUserIDs.count, dataset.testUserIDs.count, dataset.itemCount]
                == counts)
        if let interactions {
            #expect(dataset.namedMatrices.map(\.matrix.nonZeroCount) == interactions)
        }
        let exported = folder.appendingPathComponent("export")
        try ProSG.export(dataset, to: exported)
        for name in Self.pairFiles {
            #expect(
                try Self.pairs(exported.appendingPathComponent(name))
                    == Self.pairs(source.appendingPathComponent(name)), "\(name)")
        }
        #expect(
            try String(contentsOf: exported.appendingPathComponent(ProSG.itemListFile), encoding: .utf8)
                == String(contentsOf: source.appendingPathComponent(ProSG.itemListFile), encoding: .utf8))
        // And through the binary format.
        let file = folder.appendingPathComponent("split.vaecf")
        try DatasetFile.write(dataset, to: file)
        #expect(try DatasetFile.read(file) == dataset)
    }
}
