import Foundation
import VAECFData

/// The interaction reader, through a real file (it maps the file it reads).
enum FuzzReader {
    static let formats = InteractionFormat.allCases
    static let file = URL(fileURLWithPath: NSTemporaryDirectory())
        .appendingPathComponent("vaecf-fuzz-reader-\(getpid()).txt")

    static func run(_ bytes: UnsafeRawBufferPointer) {
        guard let first = bytes.first else { return }
        let text = UnsafeRawBufferPointer(rebasing: bytes[1...])
        guard replaceFile(with: text) else { return }
        var options = ReaderOptions()
        options.format = formats[Int(first) % formats.count]
        options.threadCount = first & 0x80 == 0 ? 1 : 3
        if first & 0x40 != 0 { options.ratingColumn = "rating" }
        if options.format == .auto { _ = try? InteractionReader.detectFormat(file) }
        guard let table = try? InteractionReader.read(file, options: options) else { return }
        precondition(table.users.count == table.items.count, "a table with unmatched users and items")
        precondition(table.users.allSatisfy { Int($0) < table.userIDs.count }, "a user index out of range")
        precondition(table.items.allSatisfy { Int($0) < table.itemIDs.count }, "an item index out of range")
    }

    /// Replaces the scratch file's content (plain POSIX calls: no temporary file, no fsync per input).
    static func replaceFile(with bytes: UnsafeRawBufferPointer) -> Bool {
        let descriptor = open(file.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }
}
