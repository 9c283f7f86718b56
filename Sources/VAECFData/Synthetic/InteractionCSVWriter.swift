import Foundation
import VAECFCore

extension SyntheticInteractions {
    /// Writes `table` as a CSV file with the header `userId,itemId` and one `user,item` row per interaction,
    /// in table order. Ids that contain a comma, a quote or a line break are quoted (RFC 4180).
    /// The file appears atomically: complete, or not at all.
    ///
    /// - Parameters:
    ///   - table: The interactions.
    ///   - url: The file to write; its folder must exist.
    /// - Throws: ``AtomicFileError`` naming the path when it cannot be written.
    package static func writeCSV(_ table: InteractionTable, to url: URL) throws(AtomicFileError) {
        let userFields = CSVFields(table.userIDs)
        let itemFields = CSVFields(table.itemIDs)
        let longestRow = userFields.longest + itemFields.longest + 2
        let capacity = max(1 << 20, 2 * longestRow)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 1)
        defer { buffer.deallocate() }
        try AtomicFile.write(to: url) { handle throws(AtomicFileError) in
            var used = 0
            var failure: AtomicFileError?
            /// Writes the buffered bytes; false (with `failure` set) when the write fails.
            func flush() -> Bool {
                do { try handle.write(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<used])) } catch {
                    failure = AtomicFileError(path: url.path, reason: error.localizedDescription)
                    return false
                }
                used = 0
                return true
            }
            func append(_ bytes: UnsafeRawBufferPointer) {
                guard !bytes.isEmpty else { return }
                buffer.baseAddress!.advanced(by: used).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
                used += bytes.count
            }
            for byte in "userId,itemId\n".utf8 {
                buffer[used] = byte
                used += 1
            }
            userFields.bytes.withUnsafeBytes { users in
                itemFields.bytes.withUnsafeBytes { items in
                    for row in 0..<table.count {
                        if used + longestRow > capacity, !flush() { return }
                        let user = Int(table.users[row])
                        append(
                            UnsafeRawBufferPointer(
                                rebasing: users[userFields.offsets[user]..<userFields.offsets[user + 1]]))
                        buffer[used] = UInt8(ascii: ",")
                        used += 1
                        let item = Int(table.items[row])
                        append(
                            UnsafeRawBufferPointer(
                                rebasing: items[itemFields.offsets[item]..<itemFields.offsets[item + 1]]))
                        buffer[used] = UInt8(ascii: "\n")
                        used += 1
                    }
                }
            }
            if used > 0, failure == nil { _ = flush() }
            if let failure { throw failure }
        }
    }
}

/// The CSV-encoded bytes of a list of ids, concatenated, for fast repeated output.
private struct CSVFields {
    var bytes: [UInt8] = []
    /// `[ids + 1]` offsets into `bytes`.
    var offsets: [Int] = [0]
    /// Length of the longest encoded field.
    var longest = 0

    init(_ ids: [String]) {
        offsets.reserveCapacity(ids.count + 1)
        for id in ids {
            let needsQuotes = id.utf8.contains {
                $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n")
                    || $0 == UInt8(ascii: "\r")
            }
            if needsQuotes {
                bytes.append(UInt8(ascii: "\""))
                for byte in id.utf8 {
                    if byte == UInt8(ascii: "\"") { bytes.append(byte) }
                    bytes.append(byte)
                }
                bytes.append(UInt8(ascii: "\""))
            } else {
                bytes.append(contentsOf: id.utf8)
            }
            longest = max(longest, bytes.count - offsets[offsets.count - 1])
            offsets.append(bytes.count)
        }
    }
}
