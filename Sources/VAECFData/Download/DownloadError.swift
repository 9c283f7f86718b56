import Foundation

/// Why a dataset download, check, extraction or preparation failed. Every message names the URL or file.
package enum DownloadError: Error, CustomStringConvertible, LocalizedError, Equatable {
    /// The server answered with an HTTP error status (404: no such file at that address).
    case httpStatus(url: String, status: Int)
    /// The transfer failed (no connection, timeout, refused, ...).
    case transfer(url: String, reason: String)
    /// The server sent nothing for `seconds` (``DownloadLimits/stallTimeout``): no answer, or a stalled body.
    case stalled(url: String, seconds: Double, receivedBytes: Int64)
    /// The download did not finish within the overall deadline (``DownloadLimits/deadline``).
    case deadlineExceeded(url: String, seconds: Double, receivedBytes: Int64)
    /// The published checksum file could not be understood.
    case unreadableChecksum(url: String)
    /// The checksum published next to the archive differs from the one built into vaecf for the official
    /// GroupLens address: the archive has changed upstream.
    case checksumConflict(url: String, published: String, builtIn: String)
    /// The downloaded archive does not have the expected MD5; it was deleted.
    case checksumMismatch(url: String, expected: String, actual: String)
    /// The archive could not be extracted.
    case extraction(archive: String, reason: String)
    /// The archive does not contain the expected ratings file.
    case missingRatings(archive: String, expectedPath: String)
    /// A local file or folder could not be created, moved or removed.
    case file(path: String, reason: String)
    /// The ratings could not be read or split, or the dataset could not be written.
    case data(DataError)

    package var description: String {
        switch self {
        case .httpStatus(let url, let status):
            let hint = status == 404 ? " (not found: check the dataset name and --base-url)" : ""
            return "cannot download \(url): the server answered HTTP \(status)\(hint)"
        case .transfer(let url, let reason):
            return "cannot download \(url): \(reason)"
        case .stalled(let url, let seconds, let received):
            let what =
                received == 0 ? "the server sent no answer" : "the server sent nothing more after \(received) bytes"
            return
                "cannot download \(url): timed out: \(what) for \(Self.format(seconds)) (stall timeout, --stall-timeout)"
        case .deadlineExceeded(let url, let seconds, let received):
            return "cannot download \(url): timed out: the download did not finish within \(Self.format(seconds)) "
                + "(overall deadline, --timeout); \(received) bytes received"
        case .unreadableChecksum(let url):
            return "cannot read the checksum at \(url): expected a 32-digit hexadecimal MD5"
        case .checksumConflict(let url, let published, let builtIn):
            return "the checksum published at \(url) (\(published)) differs from the known MD5 of the official "
                + "archive (\(builtIn)); the archive may have changed upstream, so nothing was downloaded"
        case .checksumMismatch(let url, let expected, let actual):
            return "the download of \(url) is corrupt: its MD5 is \(actual), expected \(expected); "
                + "the file was deleted, try again"
        case .extraction(let archive, let reason):
            return "cannot extract \(archive): \(reason)"
        case .missingRatings(let archive, let expectedPath):
            return "\(archive) does not contain \(expectedPath); is it the right archive?"
        case .file(let path, let reason):
            return "\(path): \(reason)"
        case .data(let error):
            return error.description
        }
    }

    package var errorDescription: String? { description }

    /// `60 s`, `1.5 s`.
    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() && abs(seconds) < 1e15 ? "\(Int(seconds)) s" : "\(seconds) s"
    }
}
