import Foundation
import VAECFData

/// Writes a line to standard error (progress, diagnostics, warnings); standard output is for results.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Whether standard error is a terminal (progress lines are redrawn in place only then).
var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }

/// A failure already described to the user: the command prints `error: <message>` and exits with status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// Formats seconds as `1h02m`, `3m05s` or `12.3s`.
func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "?" }
    if seconds >= 3600 { return String(format: "%dh%02dm", Int(seconds) / 3600, Int(seconds) % 3600 / 60) }
    if seconds >= 60 { return String(format: "%dm%02ds", Int(seconds) / 60, Int(seconds) % 60) }
    return String(format: "%.1fs", seconds)
}

/// Fails fast, before a long read or hours of training, when `file` cannot be created: its folder is missing or
/// read-only (a probe file is written and removed), or it is a folder.
func checkWritable(_ file: URL) throws(DataError) {
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: file.path, isDirectory: &isFolder), isFolder.boolValue {
        throw DataError.isFolder(file: file.path, expected: "give the path of the file to write")
    }
    let folder = file.deletingLastPathComponent()
    guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
        throw DataError.cannotWrite(file: file.path, what: "here", reason: "the folder \(folder.path) does not exist")
    }
    let probe = folder.appendingPathComponent(".vaecf-write-check-\(getpid())")
    guard FileManager.default.createFile(atPath: probe.path, contents: nil) else {
        throw DataError.cannotWrite(file: file.path, what: "here", reason: "the folder \(folder.path) is not writable")
    }
    try? FileManager.default.removeItem(at: probe)
}
