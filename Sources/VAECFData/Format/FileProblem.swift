import Foundation

/// Small helpers to read the start of a file and to describe file-system errors in one line.
package enum FileProblem {
    /// The first `count` bytes of `url` (fewer when the file is shorter).
    /// - Throws: ``DataError`` when the file cannot be opened.
    package static func readPrefix(of url: URL, count: Int) throws(DataError) -> [UInt8] {
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            return Array(try handle.read(upToCount: count) ?? Data())
        } catch {
            throw DataError.cannotRead(file: url.path, reason: describe(error))
        }
    }

    /// A one-line description of a Foundation file error ("no such file", "permission denied", ...).
    package static func describe(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain
        {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
        switch nsError.code {
        case NSFileReadNoSuchFileError, NSFileNoSuchFileError: return "no such file"
        case NSFileReadNoPermissionError, NSFileWriteNoPermissionError: return "permission denied"
        default: return nsError.localizedDescription
        }
    }
}
