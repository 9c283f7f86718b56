import Foundation

/// Helpers shared by the test targets.
public enum TestProcesses {
    /// The id of a process that has exited and been reaped, so that no process has it for now: what a
    /// temporary file left by a killed writer carries.
    public static func deadProcessID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exit 0"]
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }
}
