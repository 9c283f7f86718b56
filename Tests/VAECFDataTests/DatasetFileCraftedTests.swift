import Foundation
import Testing
import VAECFCore
import VAECFData

/// Dataset files whose sizes were altered and whose checksum was then recomputed: the decoder must check every
/// size against the data instead of trusting the checksum.
@Suite("Binary dataset file: crafted sizes")
struct DatasetFileCraftedTests {
    static let bytes = DatasetFile.encode(
        try! PaperSplit.split(
            SplitTestData.table(), settings: SplitTestData.smallSettings, source: "r.csv"))

    /// `bytes` with a correct checksum again.
    static func resealed(_ bytes: [UInt8]) -> [UInt8] {
        var sealed = Array(bytes.dropLast(8))
        let checksum = sealed.withUnsafeBytes { Checksum64.of($0) }.littleEndian
        withUnsafeBytes(of: checksum) { sealed += $0 }
        return sealed
    }

    static func decodeFailure(_ bytes: [UInt8]) -> DataError? {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(DataError) in try DatasetFile.decode(buffer, file: "d.vaecf") }
        }
        if case .failure(let error) = result { return error }
        return nil
    }

    /// Offset of the shape block: after the 32-byte preamble and the padded settings header.
    static var shapeOffset: Int {
        let headerLength = Int(bytes[12]) | Int(bytes[13]) << 8 | Int(bytes[14]) << 16 | Int(bytes[15]) << 24
        return (32 + headerLength + 7) / 8 * 8
    }

    @Test("every shape word set to huge or off-by-one values is refused with an error", arguments: 0..<13)
    func shapeWords(word: Int) {
        let offset = Self.shapeOffset + 8 * word
        let original = Self.bytes[offset..<(offset + 8)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let values: [UInt64] = [
            UInt64.max, 1 << 63, UInt64(Int32.max) * 8, UInt64(Int32.max) * 8 + 1, original + 1, original &- 1,
        ]
        for value in values where value != original {
            var crafted = Self.bytes
            withUnsafeBytes(of: value.littleEndian) { crafted.replaceSubrange(offset..<(offset + 8), with: $0) }
            #expect(Self.decodeFailure(Self.resealed(crafted)) != nil, "shape word \(word) = \(value)")
        }
    }

    @Test("id lengths of up to 4 GiB, and the header length, are checked against the data")
    func idLengthsAndHeader() {
        let lengths = Self.shapeOffset + 8 * 13
        for value: UInt32 in [.max, .max - 1, 1 << 31] {
            var crafted = Self.bytes
            withUnsafeBytes(of: value.littleEndian) { crafted.replaceSubrange(lengths..<(lengths + 4), with: $0) }
            #expect(Self.decodeFailure(Self.resealed(crafted)) != nil)
            var header = Self.bytes
            withUnsafeBytes(of: value.littleEndian) { header.replaceSubrange(12..<16, with: $0) }
            #expect(Self.decodeFailure(Self.resealed(header)) != nil)
        }
    }

    @Test("row offsets that run past the entries are refused before any entry is read (found by fuzzing)")
    func offsetsPastTheEntries() {
        #expect(throws: CSRMatrixError.self) {
            _ = try CSRMatrix(rowCount: 2, columnCount: 5, rowOffsets: [0, 1000, 2], columnIndices: [0, 1])
        }
    }

    @Test("every input of the checked-in fuzz corpus decodes or is refused, as is and with its checksum fixed")
    func fuzzCorpus() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Fuzz/corpus/dataset").standardized
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        #expect(files.count >= 3)
        for file in files {
            var bytes = Array(try Data(contentsOf: file))
            _ = Self.decodeFailure(bytes)
            guard bytes.count >= 40 else { continue }
            withUnsafeBytes(of: UInt64(bytes.count).littleEndian) { bytes.replaceSubrange(16..<24, with: $0) }
            let resealed = Self.resealed(bytes)
            if file.lastPathComponent.hasPrefix("crash") { #expect(Self.decodeFailure(resealed) != nil) }
        }
    }

    @Test("every truncation is refused")
    func truncations() {
        for length in stride(from: 0, to: Self.bytes.count, by: 5) {
            #expect(Self.decodeFailure(Array(Self.bytes.prefix(length))) != nil)
        }
    }
}
