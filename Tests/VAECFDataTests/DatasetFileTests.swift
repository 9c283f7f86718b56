import Foundation
import Testing
import VAECFCore
import VAECFData

@Suite("Binary dataset file")
final class DatasetFileTests {
    let dataset: InteractionDataset
    let folder: URL

    init() throws {
        var dataset = try PaperSplit.split(
            SplitTestData.table(), settings: SplitTestData.smallSettings, source: "r.csv")
        dataset.itemIDs[0] = "Amélie (2001) ✓"  // non-ASCII ids survive
        dataset.settings[SettingKey.format] = "csv"
        self.dataset = dataset
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("vaecf-dataset-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    private func decode(_ bytes: [UInt8]) throws(DataError) -> InteractionDataset {
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(DataError) in try DatasetFile.decode(buffer, file: "d.vaecf").dataset }
        }.get()
    }

    private func failure(_ bytes: [UInt8]) -> DataError? {
        do {
            _ = try decode(bytes)
            return nil
        } catch { return error }
    }

    @Test func roundTripThroughAFile() throws {
        let url = folder.appendingPathComponent("d.vaecf")
        try DatasetFile.write(dataset, to: url)
        let contents = try DatasetFile.open(url)
        #expect(contents.dataset == dataset)
        #expect(contents.formatVersion == DatasetFile.formatVersion)
        #expect(contents.fingerprint == dataset.fingerprint)
        #expect(try DatasetFile.storedFingerprint(of: url) == dataset.fingerprint)
        #expect(contents.byteCount == (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["d.vaecf"])
    }

    @Test func roundTripOfEmptyBlocksAndIdenticalBytes() throws {
        let small = InteractionDataset(
            itemIDs: ["x"], trainUserIDs: ["u"], validationUserIDs: [], testUserIDs: [],
            train: CSRMatrix(columnCount: 1, rows: [[0]]), validationFoldIn: .empty(columnCount: 1),
            validationHeldOut: .empty(columnCount: 1), testFoldIn: .empty(columnCount: 1),
            testHeldOut: .empty(columnCount: 1), settings: [:])
        #expect(try decode(DatasetFile.encode(small)) == small)
        #expect(DatasetFile.encode(dataset) == DatasetFile.encode(dataset))
    }

    @Test func fingerprintDependsOnContentNotSettings() {
        var other = dataset
        other.settings["source"] = "elsewhere.csv"
        #expect(other.fingerprint == dataset.fingerprint)
        other.trainUserIDs[0] += "x"
        #expect(other.fingerprint != dataset.fingerprint)
        #expect(dataset.fingerprintHex.count == 16)
        #expect(UInt64(dataset.fingerprintHex, radix: 16) == dataset.fingerprint)
    }

    @Test func detectsAFlippedByte() {
        var bytes = DatasetFile.encode(dataset)
        bytes[bytes.count / 2] ^= 0x10
        guard case .checksumMismatch("d.vaecf", let stored, let computed) = failure(bytes) else {
            Issue.record("expected a checksum mismatch")
            return
        }
        #expect(stored != computed)
    }

    @Test func detectsTruncation() {
        let bytes = DatasetFile.encode(dataset)
        for length in [bytes.count - 1, bytes.count / 3, 40, 5] {
            let error = failure(Array(bytes[0..<length]))
            let declared: UInt64? = length >= 40 ? UInt64(bytes.count) : nil
            #expect(
                error == .truncated(file: "d.vaecf", byteCount: length, declaredByteCount: declared), "length \(length)"
            )
        }
        guard case .corrupted("d.vaecf", _) = failure(bytes + [0]) else {
            Issue.record("expected a corrupted file")
            return
        }
    }

    @Test func detectsOtherFiles() {
        var bytes = DatasetFile.encode(dataset)
        bytes[1] = UInt8(ascii: "X")
        #expect(failure(bytes) == .notADataset(file: "d.vaecf"))
        #expect(failure(Array("userId,movieId\n1,2\n".utf8)) == .notADataset(file: "d.vaecf"))
        #expect(failure([]) == .truncated(file: "d.vaecf", byteCount: 0, declaredByteCount: nil))
    }

    @Test func detectsAnotherVersion() {
        var bytes = DatasetFile.encode(dataset)
        bytes[8] = 7
        let error = failure(bytes)
        #expect(error == .unsupportedVersion(file: "d.vaecf", found: 7, supported: DatasetFile.formatVersion))
    }

    @Test func detectsInconsistentMatrices() {
        var broken = dataset
        let rows = broken.train.rowOffsets
        var columns = broken.train.columnIndices
        columns.swapAt(rows[0], rows[0] + 1)  // unsorted row
        broken.train = CSRMatrix(
            unchecked: broken.train.rowCount, columnCount: broken.itemCount, rowOffsets: rows, columnIndices: columns)
        let error = failure(DatasetFile.encode(broken))
        guard case .inconsistentMatrix("d.vaecf", "train", _) = error else {
            Issue.record("expected an inconsistent train matrix, got \(String(describing: error))")
            return
        }
    }

    @Test func reportsMissingFilesAndFolders() {
        #expect(throws: DataError.self) { try DatasetFile.read(folder.appendingPathComponent("none.vaecf")) }
        let target = folder.appendingPathComponent("missing/d.vaecf")
        do {
            try DatasetFile.write(dataset, to: target)
            Issue.record("writing into a missing folder succeeded")
        } catch {
            let missing = target.deletingLastPathComponent().path
            #expect(
                error
                    == .cannotWrite(
                        file: target.path, what: "the dataset", reason: "the folder \(missing) does not exist"))
        }
    }
}
