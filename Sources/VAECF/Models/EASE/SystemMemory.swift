import Foundation

/// How much memory the system can give a new allocation.
package enum SystemMemory {
    /// `MemAvailable` of `/proc/meminfo` (Linux), else the physical memory; nil when neither is known.
    package static func availableBytes() -> Int? {
        if let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
            let kilobytes = availableKilobytes(meminfo: text)
        {
            return kilobytes * 1024
        }
        let physical = ProcessInfo.processInfo.physicalMemory
        return physical > 0 ? Int(clamping: physical) : nil
    }

    /// The `MemAvailable:` value (kB) of a `/proc/meminfo` text.
    static func availableKilobytes(meminfo text: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            return line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) }
        }
        return nil
    }
}
