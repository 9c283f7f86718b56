import ArgumentParser
import Foundation
import VAECFCore
import VAECFData

extension MovieLensDataset: ExpressibleByArgument {}

/// `vaecf download`: fetches a MovieLens release from GroupLens, checks its MD5, extracts it and prepares
/// the dataset file with the paper's split.
struct DownloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Download, verify, extract and prepare a MovieLens dataset.",
        discussion: """
            Fetches <dataset>.zip from GroupLens (or --base-url) with its published .md5, checks the MD5, \
            extracts it into the output folder and writes <dataset>.vaecf there with the paper's split. \
            A verified archive or an extracted release already in the folder is reused.

              vaecf download movielens-20m --output data
              vaecf train --data data/movielens-20m.vaecf --output ml20m.model
            """)

    @Argument(
        help: ArgumentHelp(
            "The MovieLens release.", valueName: "dataset"))
    var dataset: MovieLensDataset

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp(
            "Folder for the archive, the extracted files and the dataset. (default: data)", valueName: "dir"),
        transform: URL.init(fileURLWithPath:))
    var output = URL(fileURLWithPath: "data")

    @Option(
        name: .customLong("base-url"),
        help: ArgumentHelp(
            "Folder URL holding the archives and their .md5 files. (default: \(MovieLensDownloader.officialBaseURL))",
            valueName: "url"),
        transform: DownloadCommand.webURL)
    var baseURL = MovieLensDownloader.officialBaseURL

    @Flag(inversion: .prefixedNo, help: "Prepare the dataset file after extracting.")
    var prepare = true

    @Option(
        name: .customLong("heldout-users"),
        help: "Validation users, and as many test users. (default: 10000 for 20m, 600 for 1m, 100 for 100k)")
    var heldOutUsers: Int?

    @Option(help: "Seed of the split. (default: 98765)")
    var seed: UInt64?

    @OptionGroup var threads: ThreadOptions

    @Option(
        help: ArgumentHelp(
            "Seconds the whole download (checksum and archive) may take; 0 for no limit.", valueName: "seconds"))
    var timeout: Double = DownloadLimits().deadline ?? 0

    @Option(
        name: .customLong("stall-timeout"),
        help: ArgumentHelp(
            "Seconds the server may send nothing (no answer, or a stopped transfer) before giving up.",
            valueName: "seconds"))
    var stallTimeout: Double = DownloadLimits().stallTimeout

    /// `--base-url`'s value: an http or https URL with a host.
    static func webURL(_ text: String) throws -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            url.host != nil
        else {
            throw ValidationError("--base-url must be an http or https URL")
        }
        return url
    }

    func validate() throws {
        if let heldOutUsers, heldOutUsers < 1 {
            throw ValidationError("--heldout-users must be at least 1, got \(heldOutUsers)")
        }
        if !(timeout >= 0 && timeout.isFinite) {
            throw ValidationError("--timeout must be a number of seconds >= 0 (0: no limit)")
        }
        if !(stallTimeout > 0 && stallTimeout.isFinite) {
            throw ValidationError("--stall-timeout must be a positive number of seconds")
        }
        if !prepare, heldOutUsers != nil || seed != nil {
            throw ValidationError("--heldout-users and --seed only apply when preparing; drop --no-prepare")
        }
    }

    func run() async throws {
        var settings = dataset.defaultSplitSettings
        settings.heldOutUsers = heldOutUsers ?? settings.heldOutUsers
        settings.seed = seed ?? settings.seed
        let reporter = DownloadReporter()
        let downloader = MovieLensDownloader(
            baseURL: baseURL, outputFolder: output,
            limits: DownloadLimits(stallTimeout: stallTimeout, deadline: timeout > 0 ? timeout : nil),
            events: reporter.handle)
        let clock = ContinuousClock()
        let start = clock.now
        let result: MovieLensDownloader.Result
        do {
            result = try await downloader.run(
                dataset, prepare: prepare, splitSettings: settings,
                threadCount: threads.threadCount)
        } catch {
            reporter.endProgressLine()
            printError("error: \(error)")
            throw ExitCode.failure
        }
        print("ratings: \(result.ratingsFile.path)")
        if let file = result.datasetFile, let prepared = result.dataset {
            print("wrote \(file.path), fingerprint \(prepared.fingerprintHex)")
            for line in prepared.summaryLines() { print(line) }
        }
        let elapsed = clock.now - start
        print("time: \(formatDuration(elapsed.seconds))")
    }
}

/// Prints download events to standard error; the byte count is redrawn in place on a terminal, and
/// printed every 10% otherwise.
private final class DownloadReporter: @unchecked Sendable {
    private let terminal = standardErrorIsTerminal
    private let lock = NSLock()
    private var shownStep = -1
    private var lastRedraw = ContinuousClock.now
    private var lineOpen = false

    var handle: @Sendable (DownloadEvent) -> Void { { [self] event in report(event) } }

    private func report(_ event: DownloadEvent) {
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .downloading(let url):
            shownStep = -1
            line("downloading \(url.absoluteString)")
        case .progress(let received, let expected):
            showProgress(received: received, expected: expected)
        case .verified(let url, let byteCount, let md5):
            line("saved \(url.path) (\(InfoCommand.formatByteCount(Int(byteCount)))), MD5 \(md5) verified")
        case .reusedArchive(let url):
            line("reusing \(url.path) (MD5 verified)")
        case .extracted(let folder):
            line("extracted to \(folder.path)")
        case .preparing(let ratings, let heldOutUsers):
            line(
                "preparing \(ratings.lastPathComponent) with \(heldOutUsers) validation and \(heldOutUsers) test users")
        case .note(let message):
            line("note: \(message)")
        }
    }

    private func showProgress(received: Int64, expected: Int64?) {
        let amount = InfoCommand.formatByteCount(Int(received))
        let text: String
        let step: Int
        if let expected, expected > 0 {
            let percent = Int(min(100, received * 100 / expected))
            text = "  \(amount) of \(InfoCommand.formatByteCount(Int(expected))) (\(percent)%)"
            step = percent / 10
        } else {
            text = "  \(amount)"
            step = Int(received / 10_000_000)
        }
        if terminal {
            let now = ContinuousClock.now
            guard now - lastRedraw > .milliseconds(200) || (expected.map { received >= $0 } ?? false) else { return }
            lastRedraw = now
            FileHandle.standardError.write(Data("\r\(text)\u{1B}[K".utf8))
            lineOpen = true
        } else if step > shownStep {
            shownStep = step
            printError(text)
        }
    }

    private func line(_ text: String) {
        if lineOpen { FileHandle.standardError.write(Data("\n".utf8)) }
        lineOpen = false
        printError(text)
    }

    /// Ends a redrawn progress line before an error message.
    func endProgressLine() {
        lock.lock()
        defer { lock.unlock() }
        if lineOpen { FileHandle.standardError.write(Data("\n".utf8)) }
        lineOpen = false
    }
}
