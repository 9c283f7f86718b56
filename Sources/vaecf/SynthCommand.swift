import ArgumentParser
import Foundation
import VAECFCore
import VAECFData

/// `vaecf synth`: writes the deterministic synthetic interactions as a CSV file, to look at or to feed to
/// `vaecf prepare`.
struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Write synthetic user-item interactions with latent topics to a CSV file.",
        discussion: """
            Items belong to topics and have power-law popularity; users prefer a few topics and have \
            log-normal activity (at least 5 interactions each). The same options always give the same file. \
            The defaults are the built-in demo data (6,000 users, 2,000 items, about 300,000 interactions).

              vaecf synth --output synthetic.csv
              vaecf prepare synthetic.csv --output synthetic.vaecf --heldout-users 500
            """)

    @Option(
        name: .shortAndLong, help: ArgumentHelp("The CSV file to write (header userId,itemId).", valueName: "path"),
        transform: URL.init(fileURLWithPath:))
    var output: URL

    @Option(help: "Number of users. (default: 6000)")
    var users: Int?

    @Option(help: "Number of items. (default: 2000)")
    var items: Int?

    @Option(help: "Target number of interactions. (default: 300000)")
    var interactions: Int?

    @Option(help: "Number of latent topics. (default: items / 50)")
    var topics: Int?

    @Option(
        name: .customLong("topical-probability"),
        help: "Share of interactions drawn from the user's topics. (default: 0.85)")
    var topicalProbability: Double?

    @Option(name: .customLong("popularity-exponent"), help: "Exponent of the item popularity power law. (default: 1)")
    var popularityExponent: Double?

    @Option(help: "Seed of every random choice. (default: 0)")
    var seed: UInt64?

    /// The output does not depend on the thread count.
    @OptionGroup var threads: ThreadOptions

    /// The generator settings the options describe.
    var settings: SyntheticSettings {
        let base = SyntheticSettings.default
        var settings = SyntheticSettings(
            users: users ?? base.users, items: items ?? base.items, interactions: interactions ?? base.interactions,
            topics: topics, seed: seed ?? base.seed)
        settings.topicalProbability = topicalProbability ?? base.topicalProbability
        settings.popularityExponent = popularityExponent ?? base.popularityExponent
        return settings
    }

    func validate() throws {
        do { try settings.validate() } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() throws {
        let settings = self.settings
        var isFolder: ObjCBool = false
        let folder = output.deletingLastPathComponent()
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            printError("error: cannot write \(output.path): the folder \(folder.path) does not exist")
            throw ExitCode.failure
        }
        let clock = ContinuousClock()
        let start = clock.now
        let table = SyntheticInteractions.generate(
            settings, threadCount: threads.threadCount)
        let generated = clock.now
        do {
            try SyntheticInteractions.writeCSV(table, to: output)
        } catch {
            printError("error: \(error)")
            throw ExitCode.failure
        }
        let written = clock.now
        let size = (try? FileManager.default.attributesOfItem(atPath: output.path)[.size] as? Int) ?? 0
        print(
            "wrote \(output.relativePath) (\(InfoCommand.formatByteCount(size))): \(table.count) interactions of "
                + "\(table.userIDs.count) users on \(table.itemIDs.count) items (\(settings.topics) topics, seed \(settings.seed))"
        )
        print("time: generate \(Self.seconds(generated - start)) s, write \(Self.seconds(written - generated)) s")
    }

    private static func seconds(_ duration: Duration) -> String {
        String(format: "%.2f", duration.seconds)
    }
}
