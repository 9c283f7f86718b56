import Foundation
import Testing

@testable import VAECFData

/// Small interaction files written to a fresh temporary folder, read back with ``InteractionReader``.
enum ReaderFixture {
    /// Writes `bytes` to a file called `name` in a new temporary folder, runs `body` with its URL and
    /// removes the folder afterwards.
    static func withFile<Result>(
        _ bytes: [UInt8], name: String = "ratings.csv", _ body: (URL) throws -> Result
    ) throws -> Result {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("vaecf-reader-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return try body(url)
    }

    /// Reads `text` written to a file called `name` with the given options.
    static func read(
        _ text: String, name: String = "ratings.csv", threads: Int = 2,
        configure: (inout ReaderOptions) -> Void = { _ in }
    ) throws -> InteractionTable {
        try read(Array(text.utf8), name: name, threads: threads, configure: configure)
    }

    /// Reads `bytes` written to a file called `name` with the given options.
    static func read(
        _ bytes: [UInt8], name: String = "ratings.csv", threads: Int = 2,
        configure: (inout ReaderOptions) -> Void = { _ in }
    ) throws -> InteractionTable {
        var options = ReaderOptions()
        options.threadCount = threads
        configure(&options)
        return try withFile(bytes, name: name) { url in try InteractionReader.read(url, options: options) }
    }

    /// The error that reading `text` throws (nil when it reads fine); the file is named `name`.
    static func error(
        _ text: String, name: String = "ratings.csv", threads: Int = 2,
        configure: (inout ReaderOptions) -> Void = { _ in }
    ) throws -> DataError? {
        do {
            _ = try read(text, name: name, threads: threads, configure: configure)
            return nil
        } catch let error as DataError {
            return error
        }
    }

    /// The rows of `table` as original (user, item) id pairs, in file order.
    static func pairs(_ table: InteractionTable) -> [[String]] {
        zip(table.users, table.items).map { [table.userIDs[Int($0)], table.itemIDs[Int($1)]] }
    }
}
