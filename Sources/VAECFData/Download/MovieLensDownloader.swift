import Foundation
import VAECFCore

/// Downloads a MovieLens release from GroupLens (or a mirror), checks its MD5, extracts it and prepares
/// it with the paper's split protocol.
///
/// Files in `outputFolder` (for `movielens-100k`):
/// - `ml-100k.zip`: the verified archive (a complete file with the right MD5 is reused, not downloaded again);
/// - `ml-100k/`: the extracted release (reused when its ratings file exists);
/// - `movielens-100k.vaecf`: the prepared dataset.
///
/// The checksum comes from `<archive>.md5` next to the archive (GroupLens publishes `MD5 (ml-100k.zip) = ...`)
/// and, for the official address, also from ``MovieLensDataset/officialMD5``; the two must agree.
/// Downloads go to a hidden temporary file that is renamed only after the check, so an interrupted or
/// corrupt download never looks like a good archive.
package struct MovieLensDownloader: Sendable {
    /// The official GroupLens folder.
    package static let officialBaseURL = URL(string: "https://files.grouplens.org/datasets/movielens/")!

    /// The folder URL that holds `<archive>` and `<archive>.md5`.
    package var baseURL: URL
    /// The local folder for the archive, the extracted files and the dataset; created when missing.
    package var outputFolder: URL
    /// Receives progress and status events (on any thread).
    package var events: (@Sendable (DownloadEvent) -> Void)?
    /// The stall timeout of every transfer and the deadline of the whole download (checksum and archive).
    package var limits: DownloadLimits

    package init(
        baseURL: URL = officialBaseURL, outputFolder: URL, limits: DownloadLimits = DownloadLimits(),
        events: (@Sendable (DownloadEvent) -> Void)? = nil
    ) {
        self.baseURL = baseURL
        self.outputFolder = outputFolder
        self.limits = limits
        self.events = events
    }

    /// Where the archive of `dataset` is fetched from.
    package func archiveURL(_ dataset: MovieLensDataset) -> URL {
        baseURL.appendingPathComponent(dataset.archiveName)
    }

    /// Whether `baseURL` is the official GroupLens folder (http or https, with or without the final slash).
    package var usesOfficialServer: Bool {
        func normalized(_ url: URL) -> String {
            var text = url.absoluteString
            if let range = text.range(of: "://") { text = String(text[range.upperBound...]) }
            while text.hasSuffix("/") { text.removeLast() }
            return text.lowercased()
        }
        return normalized(baseURL) == normalized(Self.officialBaseURL)
    }

    /// The MD5 the archive must have: from `<archive>.md5`, checked against the built-in value for the
    /// official server (which is used alone if the `.md5` file cannot be fetched there).
    /// - Throws: ``DownloadError`` when the checksum file is missing (mirrors), unreadable or conflicting.
    package func expectedMD5(_ dataset: MovieLensDataset) async throws(DownloadError) -> String {
        try await expectedMD5(dataset, limits: limits.startingNow())
    }

    func expectedMD5(_ dataset: MovieLensDataset, limits: TransferLimits) async throws(DownloadError) -> String {
        let checksumURL = baseURL.appendingPathComponent(dataset.archiveName + ".md5")
        let published: String
        do {
            published = try Self.parseMD5(
                try await HTTPFileTransfer.fetch(checksumURL, limits: limits), url: checksumURL.absoluteString)
        } catch {
            guard usesOfficialServer else { throw error }
            events?(.note("could not fetch \(checksumURL.absoluteString) (\(error)); using the built-in MD5"))
            return dataset.officialMD5
        }
        if usesOfficialServer, published != dataset.officialMD5 {
            throw .checksumConflict(url: checksumURL.absoluteString, published: published, builtIn: dataset.officialMD5)
        }
        return published
    }

    /// The 32-digit hexadecimal MD5 in a checksum file (`MD5 (x.zip) = <md5>` or `<md5>  x.zip`), lowercased.
    /// - Throws: ``DownloadError/unreadableChecksum(url:)`` when there is none.
    package static func parseMD5(_ contents: Data, url: String) throws(DownloadError) -> String {
        let text = String(decoding: contents, as: UTF8.self).lowercased()
        let separators = CharacterSet.alphanumerics.inverted
        for token in text.components(separatedBy: separators)
        where token.count == 32 && token.allSatisfy(\.isHexDigit) {
            return token
        }
        throw .unreadableChecksum(url: url)
    }

    /// Downloads and verifies the archive (or reuses a verified one) and returns its local path.
    /// Partial downloads left by killed runs are removed first.
    /// - Throws: ``DownloadError``; a corrupt download is deleted before the error is thrown.
    package func fetchArchive(_ dataset: MovieLensDataset) async throws(DownloadError) -> URL {
        let limits = limits.startingNow()
        try createOutputFolder()
        let expected = try await expectedMD5(dataset, limits: limits)
        let archive = outputFolder.appendingPathComponent(dataset.archiveName)
        if FileManager.default.fileExists(atPath: archive.path) {
            if (try? Self.md5(ofFile: archive).hexadecimal) == expected {
                events?(.reusedArchive(archive))
                return archive
            }
            events?(.note("\(archive.path) does not have the expected MD5; downloading it again"))
        }
        let source = archiveURL(dataset)
        StaleTemporaryFiles.remove(in: outputFolder, prefix: Self.partialPrefix(dataset))
        let partial = outputFolder.appendingPathComponent(Self.partialPrefix(dataset) + "\(getpid())")
        events?(.downloading(source))
        let events = self.events
        let outcome: (byteCount: Int64, md5: MD5.Digest)
        do {
            outcome = try await HTTPFileTransfer.download(source, to: partial, limits: limits) { received, total in
                events?(.progress(receivedBytes: received, expectedBytes: total))
            }
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
        guard outcome.md5.hexadecimal == expected else {
            try? FileManager.default.removeItem(at: partial)
            throw .checksumMismatch(url: source.absoluteString, expected: expected, actual: outcome.md5.hexadecimal)
        }
        try? FileManager.default.removeItem(at: archive)
        if rename(partial.path, archive.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: partial)
            throw .file(path: archive.path, reason: "cannot move the download into place: \(reason)")
        }
        events?(.verified(archive, byteCount: outcome.byteCount, md5: expected))
        return archive
    }

    /// `.<archive>.part-`: the name of an archive being downloaded, before the process id.
    static func partialPrefix(_ dataset: MovieLensDataset) -> String { ".\(dataset.archiveName).part-" }

    /// The MD5 of a local file, read in 4 MiB blocks.
    package static func md5(ofFile url: URL) throws(DownloadError) -> MD5.Digest {
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: url) } catch {
            throw .file(path: url.path, reason: error.localizedDescription)
        }
        defer { try? handle.close() }
        var digest = MD5()
        while true {
            let block: Data?
            do { block = try handle.read(upToCount: 1 << 22) } catch {
                throw .file(path: url.path, reason: error.localizedDescription)
            }
            guard let block, !block.isEmpty else { break }
            block.withUnsafeBytes { digest.update($0) }
        }
        return digest.finalize()
    }

    private func createOutputFolder() throws(DownloadError) {
        do { try FileManager.default.createDirectory(at: outputFolder, withIntermediateDirectories: true) } catch {
            throw .file(path: outputFolder.path, reason: "cannot create the folder: \(error.localizedDescription)")
        }
    }
}

/// What ``MovieLensDownloader`` is doing, for progress output.
package enum DownloadEvent: Sendable {
    /// The transfer of the archive starts.
    case downloading(URL)
    /// Bytes received so far, and the total when the server announced it.
    case progress(receivedBytes: Int64, expectedBytes: Int64?)
    /// The archive was downloaded and its MD5 matches.
    case verified(URL, byteCount: Int64, md5: String)
    /// A complete archive with the right MD5 was already there.
    case reusedArchive(URL)
    /// The archive was extracted (or had been) to this folder.
    case extracted(URL)
    /// The ratings file is being read and split with this many validation (and test) users.
    case preparing(URL, heldOutUsers: Int)
    /// Something worth telling that is not an error.
    case note(String)
}
