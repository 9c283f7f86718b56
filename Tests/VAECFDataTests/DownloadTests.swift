import Foundation
import Testing
import VAECFTestSupport
import VAECFCore
import ZIPFoundation

@testable import VAECFData

/// A small ratings file in the layout of MovieLens 100K's `u.data`: `user \t item \t rating \t timestamp`.
private func makeRatings(users: Int = 40, items: Int = 60, perUser: Int = 25, seed: UInt64 = 3) -> Data {
    var random = RandomSource(seed: seed)
    var text = ""
    for user in 1...users {
        for item in random.sample(count: perUser, from: items) {
            let rating = 1 + random.nextInt(below: 5) / 2 + random.nextInt(below: 3)  // 1 ... 5, mostly >= 3
            text += "\(user)\t\(item + 1)\t\(min(5, rating))\t\(881_250_949 + random.nextInt(below: 1_000_000))\n"
        }
    }
    return Data(text.utf8)
}

/// A zip archive in memory with the given (path, contents) entries and a folder entry `ml-100k/`.
private func makeArchive(_ entries: [(String, Data)]) throws -> Data {
    let archive = try Archive(accessMode: .create)
    try archive.addEntry(with: "ml-100k/", type: .directory, uncompressedSize: Int64(0)) { (_: Int64, _: Int) in
        Data()
    }
    for (path, contents) in entries {
        try archive.addEntry(
            with: path, type: .file, uncompressedSize: Int64(contents.count), compressionMethod: .deflate
        ) { (position: Int64, size: Int) in contents.subdata(in: Int(position)..<(Int(position) + size)) }
    }
    return try #require(archive.data)
}

/// A fresh empty folder under the temporary directory.
private func makeTemporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("vaecf-download-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

private let folderPath = "/datasets/movielens/"

/// Serves `files` (names inside the MovieLens folder) for the duration of `body`.
private func withServer(
    _ files: [String: Data], _ body: (LocalHTTPServer, URL) async throws -> Void
) async throws {
    let served = Dictionary(uniqueKeysWithValues: files.map { (folderPath + $0.key, $0.value) })
    let server = try LocalHTTPServer(files: served)
    defer { server.stop() }
    try await body(server, server.baseURL.appendingPathComponent(folderPath))
}

/// The `.md5` file GroupLens publishes: `MD5 (ml-100k.zip) = <hex>`.
private func checksumFile(for data: Data) -> Data {
    Data("MD5 (ml-100k.zip) = \(MD5.hash(data).hexadecimal)\n".utf8)
}

private let smallSplit = SplitSettings(heldOutUsers: 5)

@Suite("MovieLens download")
struct DownloadTests {
    @Test("download, verify, extract and prepare a served ml-100k archive; a second run reuses the files")
    func downloadsAndPrepares() async throws {
        let ratings = makeRatings()
        let archive = try makeArchive([("ml-100k/u.data", ratings), ("ml-100k/README", Data("readme\n".utf8))])
        let output = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: output) }
        let files = ["ml-100k.zip": archive, "ml-100k.zip.md5": checksumFile(for: archive)]
        try await withServer(files) { (server, base) async throws in
            let downloader = MovieLensDownloader(baseURL: base, outputFolder: output)
            #expect(!downloader.usesOfficialServer)
            // What a killed earlier run left behind is removed.
            let dead = try TestProcesses.deadProcessID()
            try Data("partial".utf8).write(to: output.appendingPathComponent(".ml-100k.zip.part-\(dead)"))
            try FileManager.default.createDirectory(
                at: output.appendingPathComponent(".ml-100k.extract-\(dead)/ml-100k"), withIntermediateDirectories: true
            )
            let result = try await downloader.run(.movieLens100K, splitSettings: smallSplit, threadCount: 2)

            #expect(result.archive == output.appendingPathComponent("ml-100k.zip"))
            #expect(try Data(contentsOf: result.archive) == archive)
            #expect(try Data(contentsOf: result.ratingsFile) == ratings)
            let file = try #require(result.datasetFile)
            #expect(file.lastPathComponent == "movielens-100k.vaecf")
            let written = try DatasetFile.read(file)
            #expect(written == result.dataset)

            // The same as preparing the ratings file directly.
            var options = ReaderOptions()
            options.format = .movielens100k
            let table = try InteractionReader.read(result.ratingsFile, options: options)
            let direct = try PaperSplit.split(table, settings: smallSplit, source: "u.data")
            #expect(written.train == direct.train)
            #expect(written.testHeldOut == direct.testHeldOut)
            #expect(written.itemIDs == direct.itemIDs)
            #expect(written.validationUserIDs.count == 5 && written.testUserIDs.count == 5)
            #expect(written.settings[SettingKey.format] == "movielens-100k")

            // No leftovers besides the archive, the release folder and the dataset.
            let names = try FileManager.default.contentsOfDirectory(atPath: output.path).sorted()
            #expect(names == ["ml-100k", "ml-100k.zip", "movielens-100k.vaecf"])

            // Again: only the checksum is fetched; the verified archive and extracted files are reused.
            let requestsBefore = server.requestedPaths.count
            _ = try await downloader.run(.movieLens100K, prepare: false)
            #expect(Array(server.requestedPaths[requestsBefore...]) == [folderPath + "ml-100k.zip.md5"])
        }
    }

    @Test("a download whose MD5 differs from the published one fails clearly and leaves nothing behind")
    func corruptDownload() async throws {
        let archive = try makeArchive([("ml-100k/u.data", makeRatings())])
        var damaged = archive
        damaged[damaged.count / 2] ^= 0xFF
        let output = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: output) }
        let files = ["ml-100k.zip": damaged, "ml-100k.zip.md5": checksumFile(for: archive)]
        try await withServer(files) { (_, base) async throws in
            let downloader = MovieLensDownloader(baseURL: base, outputFolder: output)
            let error = await #expect(throws: DownloadError.self) {
                _ = try await downloader.run(.movieLens100K, splitSettings: smallSplit)
            }
            #expect(
                error
                    == .checksumMismatch(
                        url: base.appendingPathComponent("ml-100k.zip").absoluteString,
                        expected: MD5.hash(archive).hexadecimal, actual: MD5.hash(damaged).hexadecimal))
            #expect(error?.description.contains("is corrupt") == true)
            #expect(try FileManager.default.contentsOfDirectory(atPath: output.path).isEmpty)
        }
    }

    @Test("a missing archive (404) fails with the status and the URL")
    func missingArchive() async throws {
        let output = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: output) }
        try await withServer(["ml-100k.zip.md5": checksumFile(for: Data("x".utf8))]) { (_, base) async throws in
            let downloader = MovieLensDownloader(baseURL: base, outputFolder: output)
            let error = await #expect(throws: DownloadError.self) {
                _ = try await downloader.run(.movieLens100K)
            }
            let url = base.appendingPathComponent("ml-100k.zip").absoluteString
            #expect(error == .httpStatus(url: url, status: 404))
            #expect(
                error?.description == "cannot download \(url): the server answered HTTP 404 "
                    + "(not found: check the dataset name and --base-url)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: output.path).isEmpty)
        }
    }

    @Test("a mirror without a checksum file is refused")
    func missingChecksum() async throws {
        let output = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: output) }
        try await withServer(["ml-100k.zip": Data("zip".utf8)]) { (server, base) async throws in
            let downloader = MovieLensDownloader(baseURL: base, outputFolder: output)
            await #expect(
                throws: DownloadError.httpStatus(
                    url: base.appendingPathComponent("ml-100k.zip.md5").absoluteString, status: 404)
            ) {
                _ = try await downloader.run(.movieLens100K)
            }
            #expect(server.requestedPaths == [folderPath + "ml-100k.zip.md5"])
        }
    }

    @Test("an archive with the right MD5 but damaged or without the ratings file fails at extraction")
    func badArchives() async throws {
        let notZip = Data("this is not a zip archive".utf8)
        let withoutRatings = try makeArchive([("ml-100k/u.item", Data("1|Toy Story (1995)\n".utf8))])
        for (archive, expectMissingRatings) in [(notZip, false), (withoutRatings, true)] {
            let output = try makeTemporaryFolder()
            defer { try? FileManager.default.removeItem(at: output) }
            let files = ["ml-100k.zip": archive, "ml-100k.zip.md5": checksumFile(for: archive)]
            try await withServer(files) { (_, base) async throws in
                let downloader = MovieLensDownloader(baseURL: base, outputFolder: output)
                let error = await #expect(throws: DownloadError.self) {
                    _ = try await downloader.run(.movieLens100K, splitSettings: smallSplit)
                }
                let path = output.appendingPathComponent("ml-100k.zip").path
                if expectMissingRatings {
                    #expect(error == .missingRatings(archive: path, expectedPath: "ml-100k/u.data"))
                } else if case .extraction(let archivePath, _) = error {
                    #expect(archivePath == path)
                } else {
                    Issue.record("expected an extraction error, got \(String(describing: error))")
                }
                // Only the verified archive stays; no half-extracted folder, no dataset.
                #expect(try FileManager.default.contentsOfDirectory(atPath: output.path) == ["ml-100k.zip"])
            }
        }
    }

    @Test("a server that is not there gives a transfer error naming the URL")
    func connectionRefused() async throws {
        let server = try LocalHTTPServer(files: [:])
        let base = server.baseURL.appendingPathComponent(folderPath)
        server.stop()
        let output = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: output) }
        let downloader = MovieLensDownloader(baseURL: base, outputFolder: output)
        let error = await #expect(throws: DownloadError.self) { _ = try await downloader.run(.movieLens100K) }
        guard case .transfer(let url, _) = error else {
            Issue.record("expected a transfer error, got \(String(describing: error))")
            return
        }
        #expect(url == base.appendingPathComponent("ml-100k.zip.md5").absoluteString)
    }

    @Test("a server that never answers fails after the stall timeout, with a message that says so")
    func silentServer() async throws {
        let server = try LocalHTTPServer(files: [:], behavior: .silent)
        defer { server.stop() }
        let base = server.baseURL.appendingPathComponent(folderPath)
        let output = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: output) }
        let limits = DownloadLimits(stallTimeout: 0.5, deadline: 30)
        let downloader = MovieLensDownloader(baseURL: base, outputFolder: output, limits: limits)
        let start = ContinuousClock.now
        let error = await #expect(throws: DownloadError.self) { _ = try await downloader.run(.movieLens100K) }
        let elapsed = ContinuousClock.now - start
        let url = base.appendingPathComponent("ml-100k.zip.md5").absoluteString
        #expect(error == .stalled(url: url, seconds: 0.5, receivedBytes: 0))
        #expect(
            error?.description == "cannot download \(url): timed out: the server sent no answer for 0.5 s "
                + "(stall timeout, --stall-timeout)")
        // The error's case already tells the stall timeout from the 30 s deadline; the upper bound only says the
        // download ended, with room for a machine whose test threads are starved by other suites (60 s was seen).
        #expect(elapsed >= .milliseconds(450) && elapsed < .seconds(300), "\(elapsed)")
    }

    @Test("a server that trickles bytes fails at the overall deadline")
    func tricklingServer() async throws {
        let archive = try makeArchive([("ml-100k/u.data", makeRatings())])
        let served = [folderPath + "ml-100k.zip.md5": checksumFile(for: archive), folderPath + "ml-100k.zip": archive]
        let server = try LocalHTTPServer(files: served, behavior: .trickle(interval: 0.05))
        defer { server.stop() }
        let base = server.baseURL.appendingPathComponent(folderPath)
        let output = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: output) }
        // The stall timeout is far away so that only the deadline can end it, even when a loaded machine delays
        // the trickle: bytes keep arriving, and the transfer still ends.
        let limits = DownloadLimits(stallTimeout: 30, deadline: 2)
        let downloader = MovieLensDownloader(baseURL: base, outputFolder: output, limits: limits)
        let start = ContinuousClock.now
        let error = await #expect(throws: DownloadError.self) { _ = try await downloader.run(.movieLens100K) }
        let elapsed = ContinuousClock.now - start
        guard case .deadlineExceeded(let url, let seconds, let received) = error else {
            Issue.record("expected the deadline to end the download, got \(String(describing: error))")
            return
        }
        #expect(url == base.appendingPathComponent("ml-100k.zip.md5").absoluteString)
        #expect(seconds == 2 && received > 0)
        #expect(
            error?.description.contains(
                "timed out: the download did not finish within 2 s (overall deadline, --timeout)") == true)
        #expect(elapsed >= .milliseconds(1950) && elapsed < .seconds(300), "\(elapsed)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.path).isEmpty)
    }

    @Test("checksum files in the GroupLens and md5sum layouts parse; others are refused")
    func checksumParsing() throws {
        let hex = "0e33842e24a9c977be4e0107933c0723"
        #expect(try MovieLensDownloader.parseMD5(Data("MD5 (ml-100k.zip) = \(hex)\n".utf8), url: "u") == hex)
        #expect(try MovieLensDownloader.parseMD5(Data("\(hex.uppercased())  ml-100k.zip\n".utf8), url: "u") == hex)
        #expect(throws: DownloadError.unreadableChecksum(url: "u")) {
            try MovieLensDownloader.parseMD5(Data("<html>not found</html>".utf8), url: "u")
        }
    }

    @Test("the official server is recognised, and the releases are described consistently")
    func releases() {
        let official = MovieLensDownloader(outputFolder: URL(fileURLWithPath: "/tmp"))
        #expect(official.usesOfficialServer)
        #expect(
            official.archiveURL(.movieLens20M).absoluteString
                == "https://files.grouplens.org/datasets/movielens/ml-20m.zip")
        let plainHTTP = MovieLensDownloader(
            baseURL: URL(string: "http://files.grouplens.org/datasets/movielens")!,
            outputFolder: URL(fileURLWithPath: "/tmp"))
        #expect(plainHTTP.usesOfficialServer)
        let mirror = MovieLensDownloader(
            baseURL: URL(string: "https://example.org/movielens/")!, outputFolder: URL(fileURLWithPath: "/tmp"))
        #expect(!mirror.usesOfficialServer)
        #expect(MovieLensDataset(rawValue: "movielens-1m")?.ratingsPath == "ml-1m/ratings.dat")
        #expect(MovieLensDataset.allCases.map(\.defaultHeldOutUsers) == [10_000, 600, 100])
        for dataset in MovieLensDataset.allCases {
            #expect(dataset.officialMD5.count == 32 && dataset.officialMD5.allSatisfy(\.isHexDigit))
            #expect(dataset.ratingsPath.hasPrefix(dataset.folderName + "/"))
        }
    }
}
