import ArgumentParser
import Foundation
import VAECF
import VAECFData

/// `vaecf info`: describes a file made by vaecf, recognised by its magic bytes.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe a vaecf file: a dataset from `vaecf prepare` or a model or checkpoint from `vaecf train`.")

    @Argument(help: "The file to describe.", transform: URL.init(fileURLWithPath:))
    var path: URL

    /// A kind of vaecf file: how to recognise it from its first bytes and how to describe it.
    struct FileKind: Sendable {
        let name: String
        let matches: @Sendable ([UInt8]) -> Bool
        let describe: @Sendable (URL) throws(DataError) -> [String]
    }

    /// Every kind `info` knows, tried in order.
    static let kinds: [FileKind] = [
        FileKind(name: "dataset (vaecf prepare)", matches: { DatasetFile.hasMagic($0) }, describe: describeDataset),
        FileKind(
            name: "model or checkpoint (vaecf train)", matches: { $0.starts(with: ModelFile.magic) },
            describe: describeModel),
    ]

    /// Bytes read to recognise a file.
    static let prefixLength = 16

    func run() throws {
        do {
            for line in try Self.describe(path) { print(line) }
        } catch {
            printError("error: \(error)")
            throw ExitCode.failure
        }
    }

    /// The description of the file at `url`, whatever kind it is.
    /// - Throws: ``DataError`` when it cannot be read, is damaged, or is no vaecf file.
    static func describe(_ url: URL) throws(DataError) -> [String] {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
            throw DataError.isFolder(file: url.path, expected: "expected a vaecf file")
        }
        let prefix = try FileProblem.readPrefix(of: url, count: prefixLength)
        if let kind = kinds.first(where: { $0.matches(prefix) }) { return try kind.describe(url) }
        let known = kinds.map(\.name).joined(separator: ", ")
        let looksLikeText =
            !prefix.isEmpty && prefix.allSatisfy { $0 == 9 || $0 == 10 || $0 == 13 || (32..<127).contains($0) }
        throw DataError.notAVAECFFile(file: url.path, knownKinds: known, looksLikeText: looksLikeText)
    }

    /// Lines describing a dataset file.
    static func describeDataset(_ url: URL) throws(DataError) -> [String] {
        let contents = try DatasetFile.open(url)
        let dataset = contents.dataset
        var lines = [
            "\(url.path): vaecf dataset, format version \(contents.formatVersion), \(formatByteCount(contents.byteCount))",
            "fingerprint: \(InteractionDataset.hex(contents.fingerprint))",
        ]
        lines += dataset.summaryLines()
        if !dataset.settings.isEmpty {
            lines.append("settings:")
            for key in dataset.settings.keys.sorted() { lines.append("  \(key): \(dataset.settings[key]!)") }
        }
        return lines
    }

    /// `52.3 MB`, `812 KB`, `97 bytes`.
    static func formatByteCount(_ count: Int) -> String {
        if count >= 1_000_000_000 { return String(format: "%.2f GB", Double(count) / 1e9) }
        if count >= 1_000_000 { return String(format: "%.1f MB", Double(count) / 1e6) }
        if count >= 1_000 { return String(format: "%.0f KB", Double(count) / 1e3) }
        return "\(count) bytes"
    }
}
