import Foundation
import VAECFCore
import ZIPFoundation

extension MovieLensDownloader {
    /// The files a complete run produced.
    package struct Result: Sendable {
        /// The verified archive.
        package var archive: URL
        /// The extracted ratings file.
        package var ratingsFile: URL
        /// The prepared dataset file, unless preparation was skipped.
        package var datasetFile: URL?
        /// The prepared dataset, unless preparation was skipped.
        package var dataset: InteractionDataset?
    }

    /// Downloads, verifies and extracts `dataset`, then (if `prepare`) splits it and writes the dataset file.
    /// - Parameters:
    ///   - splitSettings: The split protocol; `nil` uses the defaults with the dataset's
    ///     ``MovieLensDataset/defaultHeldOutUsers``.
    ///   - threadCount: Workers for reading and splitting; the result does not depend on it.
    /// - Throws: ``DownloadError`` naming the URL or file at fault.
    package func run(
        _ dataset: MovieLensDataset, prepare: Bool = true, splitSettings: SplitSettings? = nil,
        threadCount: Int = ParallelExecutor.defaultThreadCount
    ) async throws(DownloadError) -> Result {
        let archive = try await fetchArchive(dataset)
        let ratings = try extract(dataset, archive: archive)
        var result = Result(archive: archive, ratingsFile: ratings)
        if prepare {
            let settings = splitSettings ?? dataset.defaultSplitSettings
            let (prepared, file) = try self.prepare(
                dataset, ratings: ratings, settings: settings, threadCount: threadCount)
            result.dataset = prepared
            result.datasetFile = file
        }
        return result
    }

    /// Extracts `archive` into `outputFolder` (through a temporary folder, so a half-extracted release never
    /// stays behind) and returns the ratings file. An already extracted release is reused.
    /// - Throws: ``DownloadError/extraction(archive:reason:)`` for a damaged archive,
    ///   ``DownloadError/missingRatings(archive:expectedPath:)`` when the ratings file is not in it.
    package func extract(_ dataset: MovieLensDataset, archive: URL) throws(DownloadError) -> URL {
        let fileManager = FileManager.default
        let folder = outputFolder.appendingPathComponent(dataset.folderName)
        let ratings = outputFolder.appendingPathComponent(dataset.ratingsPath)
        if fileManager.fileExists(atPath: ratings.path) {
            events?(.extracted(folder))
            return ratings
        }
        let stagingPrefix = ".\(dataset.folderName).extract-"
        StaleTemporaryFiles.remove(in: outputFolder, prefix: stagingPrefix)
        let staging = outputFolder.appendingPathComponent(stagingPrefix + "\(getpid())")
        try? fileManager.removeItem(at: staging)
        defer { try? fileManager.removeItem(at: staging) }
        do {
            try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
            try fileManager.unzipItem(at: archive, to: staging)
        } catch {
            throw .extraction(archive: archive.path, reason: "\(error)")
        }
        guard fileManager.fileExists(atPath: staging.appendingPathComponent(dataset.ratingsPath).path) else {
            throw .missingRatings(archive: archive.path, expectedPath: dataset.ratingsPath)
        }
        do {
            if fileManager.fileExists(atPath: folder.path) { try fileManager.removeItem(at: folder) }
            try fileManager.moveItem(at: staging.appendingPathComponent(dataset.folderName), to: folder)
        } catch {
            throw .file(
                path: folder.path, reason: "cannot move the extracted files into place: \(error.localizedDescription)")
        }
        events?(.extracted(folder))
        return ratings
    }

    /// Reads `ratings` (ratings >= 3.5 count as interactions), applies the paper's split and writes
    /// `outputFolder/<dataset>.vaecf` atomically.
    /// - Returns: The dataset and the file it was written to.
    /// - Throws: ``DownloadError/data(_:)`` naming the file and line for unreadable ratings or a failed split
    ///   or write.
    package func prepare(
        _ dataset: MovieLensDataset, ratings: URL, settings: SplitSettings,
        threadCount: Int = ParallelExecutor.defaultThreadCount
    ) throws(DownloadError) -> (dataset: InteractionDataset, file: URL) {
        let file = outputFolder.appendingPathComponent(dataset.datasetFileName)
        events?(.preparing(ratings, heldOutUsers: settings.heldOutUsers))
        do {
            var options = ReaderOptions()
            options.format = dataset.format
            options.threadCount = threadCount
            let table = try InteractionReader.read(ratings, options: options)
            let prepared = try PaperSplit.split(
                table, readFrom: ratings, options: options, settings: settings, threadCount: threadCount)
            try DatasetFile.write(prepared, to: file)
            return (prepared, file)
        } catch {
            throw .data(error)
        }
    }
}

extension MovieLensDataset {
    /// The reference split settings with this release's number of held-out users.
    package var defaultSplitSettings: SplitSettings {
        var settings = SplitSettings()
        settings.heldOutUsers = defaultHeldOutUsers
        return settings
    }
}
