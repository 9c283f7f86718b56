import Foundation

/// The outcome of one run of the `vaecf` binary.
struct CLIResult {
    /// Exit status.
    let status: Int32
    /// Everything written to standard output.
    let standardOutput: String
    /// Everything written to standard error.
    let standardError: String
}

/// Runs the built `vaecf` executable, which SwiftPM puts next to the test bundle.
enum CLIRunner {
    /// The `vaecf` binary: `$VAECF_BINARY`, or the one in the build products folder of the tests.
    static let binary: URL? = {
        if let path = ProcessInfo.processInfo.environment["VAECF_BINARY"] { return URL(fileURLWithPath: path) }
        var folders = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        folders += Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        if let executable = Bundle.main.executableURL { folders.append(executable.deletingLastPathComponent()) }
        return folders.map { $0.appendingPathComponent("vaecf") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// Runs `vaecf arguments...` (or `executable arguments...`) in `directory`, with `environment` added to
    /// this process's, and waits for it.
    static func run(
        _ arguments: [String], in directory: URL? = nil, executable: URL? = nil, environment: [String: String] = [:]
    ) throws -> CLIResult {
        guard let binary = executable ?? binary else { throw CLIRunnerError.binaryNotFound }
        let outputs = FileManager.default.temporaryDirectory.appendingPathComponent("vaecf-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outputs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: outputs) }
        let standardOutputURL = outputs.appendingPathComponent("stdout")
        let standardErrorURL = outputs.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: standardOutputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: standardErrorURL.path, contents: nil)
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        // Files rather than pipes: no deadlock however much the command prints.
        let standardOutput = try FileHandle(forWritingTo: standardOutputURL)
        let standardError = try FileHandle(forWritingTo: standardErrorURL)
        process.standardOutput = standardOutput
        process.standardError = standardError
        try process.run()
        process.waitUntilExit()
        try standardOutput.close()
        try standardError.close()
        return CLIResult(
            status: process.terminationStatus,
            standardOutput: try String(contentsOf: standardOutputURL, encoding: .utf8),
            standardError: try String(contentsOf: standardErrorURL, encoding: .utf8))
    }
}

enum CLIRunnerError: Error, CustomStringConvertible {
    case binaryNotFound
    var description: String { "the vaecf binary was not found next to the test bundle (set VAECF_BINARY)" }
}
