import Foundation

/// The text files of the pro_sg layout: `uid,sid` pair files and one-id-per-line lists.
enum PairFile {
    /// The `uid` and `sid` columns of a pair file with the header `uid,sid`: `[rows]` each.
    /// - Throws: ``DataError`` with the file and line for a missing file, a wrong header or a line that is
    ///   not two non-negative integers below 2^31.
    static func read(_ url: URL) throws(DataError) -> (uids: [Int32], sids: [Int32]) {
        let data = try contents(of: url)
        let result = data.withUnsafeBytes { bytes in
            Result { () throws(DataError) in try parse(bytes, file: url.path) }
        }
        return try result.get()
    }

    /// The non-empty lines of a list file (`unique_sid.txt`): `[lines]`, without the line ends.
    /// - Throws: ``DataError`` for a missing file or an empty line before the end.
    static func readLines(_ url: URL) throws(DataError) -> [String] {
        let text = String(decoding: try contents(of: url), as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
        if lines.last == "" { lines.removeLast() }
        if let empty = lines.firstIndex(of: "") {
            throw DataError.malformedLine(file: url.path, line: empty + 1, expected: "an id", found: "an empty line")
        }
        return lines
    }

    static func contents(of url: URL) throws(DataError) -> Data {
        do { return try Data(contentsOf: url) } catch {
            let exists = FileManager.default.fileExists(atPath: url.path)
            throw exists
                ? DataError.cannotRead(file: url.path, reason: FileProblem.describe(error))
                : DataError.missingFile(file: url.path, neededBy: "a pro_sg folder")
        }
    }

    /// Parses the bytes of a pair file.
    static func parse(_ bytes: UnsafeRawBufferPointer, file: String) throws(DataError) -> (uids: [Int32], sids: [Int32])
    {
        let buffer = bytes.bindMemory(to: UInt8.self)
        var position = 0
        if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { position = 3 }
        let headerEnd = lineEnd(buffer, from: position)
        let header = String(decoding: UnsafeBufferPointer(rebasing: buffer[position..<headerEnd]), as: UTF8.self)
        guard header.trimmingCharacters(in: .whitespacesAndNewlines) == "uid,sid" else {
            throw DataError.malformedLine(
                file: file, line: 1, expected: "the header 'uid,sid'", found: "'\(header.prefix(80))'")
        }
        position = min(buffer.count, headerEnd + 1)
        var uids = [Int32]()
        var sids = [Int32]()
        uids.reserveCapacity(buffer.count / 10)
        sids.reserveCapacity(buffer.count / 10)
        var line = 1
        while position < buffer.count {
            line += 1
            let end = lineEnd(buffer, from: position)
            var stop = end
            if stop > position, buffer[stop - 1] == UInt8(ascii: "\r") { stop -= 1 }
            if stop > position {
                var cursor = position
                let uid = parseInteger(buffer, &cursor, stop)
                let comma = cursor < stop && buffer[cursor] == UInt8(ascii: ",")
                if comma { cursor += 1 }
                let sid = comma ? parseInteger(buffer, &cursor, stop) : nil
                guard let uid, let sid, cursor == stop else {
                    let text = String(decoding: UnsafeBufferPointer(rebasing: buffer[position..<stop]), as: UTF8.self)
                    throw DataError.malformedLine(
                        file: file, line: line, expected: "two non-negative integers 'uid,sid'",
                        found: "'\(text.prefix(80))'")
                }
                uids.append(uid)
                sids.append(sid)
            }
            position = end + 1
        }
        return (uids, sids)
    }

    /// Index of the next `\n` at or after `start`, or the end of the buffer.
    @inline(__always)
    private static func lineEnd(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        while index < buffer.count && buffer[index] != UInt8(ascii: "\n") { index += 1 }
        return index
    }

    /// A decimal integer in `0 ..< 2^31` at `cursor` (advanced past it), or nil.
    @inline(__always)
    private static func parseInteger(_ buffer: UnsafeBufferPointer<UInt8>, _ cursor: inout Int, _ stop: Int) -> Int32? {
        let start = cursor
        var value = 0
        while cursor < stop {
            let digit = Int(buffer[cursor]) &- 48
            guard digit >= 0 && digit <= 9 else { break }
            value = value * 10 + digit
            guard value <= Int(Int32.max) else { return nil }
            cursor += 1
        }
        return cursor > start ? Int32(value) : nil
    }

    /// Appends `value` in decimal to `bytes`.
    @inline(__always)
    static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
        if value < 10 {
            bytes.append(UInt8(48 + value))
            return
        }
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { digits in
            while rest > 0 {
                digits[count] = UInt8(48 + rest % 10)
                rest /= 10
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(digits[index]) }
        }
    }
}
