import Foundation
import Testing

@Suite("vaecf prepare and info")
final class PrepareCommandTests {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("vaecf-prepare-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// A MovieLens-20M style ratings.csv: 60 users with 6 to 20 ratings each over 40 movies, a fifth of
    /// them below the 3.5 threshold.
    func writeRatings(name: String = "ratings.csv", badLine: String? = nil) throws -> URL {
        var text = "userId,movieId,rating,timestamp\n"
        var state: UInt64 = 7
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for user in 1...60 {
            let count = 6 + next(15)
            var movies = Set<Int>()
            while movies.count < count { movies.insert(1 + next(40) * 3) }
            for movie in movies.sorted() {
                let rating = next(5) == 0 ? "2.5" : (next(2) == 0 ? "4.0" : "5.0")
                text += "\(user),\(movie),\(rating),\(1_100_000_000 + user * 100 + movie)\n"
            }
            if user == 2, let badLine { text += badLine + "\n" }
        }
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    @Test func preparesDescribesExportsAndReimports() throws {
        let ratings = try writeRatings()
        let output = folder.appendingPathComponent("small.vaecf")
        let exported = folder.appendingPathComponent("pro_sg")
        let prepared = try CLIRunner.run([
            "prepare", ratings.path, "--output", output.path, "--heldout-users", "5", "--seed", "3",
            "--export-pro-sg", exported.path,
        ])
        #expect(prepared.status == 0, "\(prepared.standardError)")
        #expect(prepared.standardOutput.contains("validation held-out"))
        #expect(prepared.standardOutput.contains("time: read"))
        #expect(FileManager.default.fileExists(atPath: exported.appendingPathComponent("test_te.csv").path))

        let info = try CLIRunner.run(["info", output.path])
        #expect(info.status == 0, "\(info.standardError)")
        #expect(info.standardOutput.contains("vaecf dataset, format version 1"))
        #expect(info.standardOutput.contains("seed: 3"))
        #expect(info.standardOutput.contains("format: movielens-20m"))
        #expect(info.standardOutput.contains("heldOutUsers: 5"))
        let fingerprint = try #require(Self.fingerprint(in: info.standardOutput))
        #expect(prepared.standardOutput.contains("fingerprint \(fingerprint)"))

        // The exported pro_sg folder imports to the same content, hence the same fingerprint.
        let reimported = folder.appendingPathComponent("again.vaecf")
        let imported = try CLIRunner.run(["prepare", "--from-pro-sg", exported.path, "--output", reimported.path])
        #expect(imported.status == 0, "\(imported.standardError)")
        let again = try CLIRunner.run(["info", reimported.path])
        #expect(Self.fingerprint(in: again.standardOutput) == fingerprint)
        #expect(again.standardOutput.contains("protocol: pro-sg-import"))
    }

    static func fingerprint(in text: String) -> String? {
        text.split(separator: "\n").first { $0.hasPrefix("fingerprint: ") }.map { String($0.dropFirst(13)) }
    }

    @Test func badInputNamesFileAndLineAndWritesNothing() throws {
        let ratings = try writeRatings(name: "bad.csv", badLine: "2,17,abc,1100000000")
        let output = folder.appendingPathComponent("bad.vaecf")
        let result = try CLIRunner.run(["prepare", ratings.path, "--output", output.path, "--heldout-users", "5"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("error: "))
        #expect(result.standardError.contains("bad.csv:"))
        let lineNumber = try String(contentsOf: ratings, encoding: .utf8).split(separator: "\n")
            .firstIndex { $0.hasPrefix("2,17,abc") }.map { $0 + 1 }
        #expect(result.standardError.contains("bad.csv:\(try #require(lineNumber))"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["bad.csv"])
    }

    @Test func tooFewUsersIsRefusedWithoutOutput() throws {
        let ratings = try writeRatings()
        let output = folder.appendingPathComponent("few.vaecf")
        let result = try CLIRunner.run(["prepare", ratings.path, "--output", output.path])
        #expect(result.status != 0)
        #expect(result.standardError.contains("heldout-users"))
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    @Test func unwritableOutputFailsBeforeReading() throws {
        let ratings = try writeRatings()
        for target in [folder.appendingPathComponent("missing/out.vaecf").path, "/proc/vaecf-test.vaecf", folder.path] {
            let result = try CLIRunner.run(["prepare", ratings.path, "--output", target, "--heldout-users", "5"])
            #expect(result.status != 0, "\(target)")
            #expect(result.standardError.contains("error: "), "\(target)")
            #expect(!result.standardError.contains("reading"), "\(target): it read the input first")
        }
        #expect(!FileManager.default.fileExists(atPath: "/proc/vaecf-test.vaecf"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["ratings.csv"])
    }

    @Test func infoRefusesOtherFiles() throws {
        let ratings = try writeRatings()
        let result = try CLIRunner.run(["info", ratings.path])
        #expect(result.status != 0)
        #expect(result.standardError.contains("not a vaecf file"))
        #expect(result.standardError.contains("text file"))
        let missing = try CLIRunner.run(["info", folder.appendingPathComponent("none.vaecf").path])
        #expect(missing.status != 0)
        #expect(missing.standardError.contains("none.vaecf"))
    }

    @Test func usageErrors() throws {
        let ratings = try writeRatings()
        let output = folder.appendingPathComponent("x.vaecf").path
        let neither = try CLIRunner.run(["prepare", "--output", output])
        #expect(neither.status != 0)
        let both = try CLIRunner.run(["prepare", ratings.path, "--from-pro-sg", folder.path, "--output", output])
        #expect(both.status != 0)
        let format = try CLIRunner.run(["prepare", ratings.path, "--output", output, "--format", "parquet"])
        #expect(format.status != 0 && format.standardError.contains("movielens-100k"))
        let seedWithImport = try CLIRunner.run([
            "prepare", "--from-pro-sg", folder.path, "--output", output, "--seed", "1",
        ])
        #expect(seedWithImport.status != 0 && seedWithImport.standardError.contains("--seed"))
    }

    @Test func countsAndThresholdsAreCheckedBeforeReading() throws {
        // The input does not exist: an option error must come first, before any attempt to read it.
        let missing = folder.appendingPathComponent("missing.csv").path
        let output = folder.appendingPathComponent("x.vaecf").path
        let cases: [([String], String)] = [
            (["--heldout-users", "0"], "--heldout-users must be at least 1"),
            (["--heldout-users=-5"], "--heldout-users must be at least 1"),
            (["--min-user-interactions=-1"], "--min-user-interactions must not be negative"),
            (["--min-item-interactions=-3"], "--min-item-interactions must not be negative"),
            (["--rating-threshold", "nan"], "--rating-threshold must be a finite number"),
        ]
        for (options, message) in cases {
            let result = try CLIRunner.run(["prepare", missing, "--output", output] + options)
            #expect(result.status != 0, "\(options)")
            #expect(result.standardError.contains(message), "\(options): \(result.standardError)")
            #expect(!result.standardError.contains("missing.csv"), "\(options): it read the input first")
        }
        let downloadCases: [([String], String)] = [
            (["--heldout-users", "0"], "--heldout-users must be at least 1"),
            (["--stall-timeout", "0"], "--stall-timeout must be a positive number of seconds"),
            (["--timeout=-1"], "--timeout must be a number of seconds >= 0"),
        ]
        for (options, message) in downloadCases {
            let download = try CLIRunner.run(["download", "movielens-100k", "--output", folder.path] + options)
            #expect(
                download.status != 0 && download.standardError.contains(message),
                "\(options): \(download.standardError)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func gzipInputPreparesTheSameDatasetAsText() throws {
        let ratings = try writeRatings()
        let compressed = folder.appendingPathComponent("ratings.csv.gz")
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gzip.arguments = ["gzip", "-k", "-9", ratings.path]
        try gzip.run()
        gzip.waitUntilExit()
        try #require(gzip.terminationStatus == 0, "the gzip tool is needed for this test")
        let plain = try CLIRunner.run([
            "prepare", ratings.path, "--output", folder.appendingPathComponent("a.vaecf").path, "--heldout-users", "5",
        ])
        let packed = try CLIRunner.run([
            "prepare", compressed.path, "--output", folder.appendingPathComponent("b.vaecf").path, "--heldout-users",
            "5",
        ])
        #expect(plain.status == 0 && packed.status == 0, "\(packed.standardError)")
        let fingerprint = plain.standardOutput.split(separator: "\n").first { $0.contains("fingerprint") }
        #expect(fingerprint.map { packed.standardOutput.contains($0.split(separator: " ").last!) } == true)
    }

    @Test func binaryInputIsNotATextFile() throws {
        let binary = folder.appendingPathComponent("model.bin")
        try Data((0..<4000).map { UInt8(truncatingIfNeeded: $0 * 7919) }).write(to: binary)
        let result = try CLIRunner.run([
            "prepare", binary.path, "--output", folder.appendingPathComponent("x.vaecf").path,
        ])
        #expect(result.status != 0)
        #expect(result.standardError.contains("not a text file"), "\(result.standardError)")
        #expect(result.standardError.utf8.count < 400, "\(result.standardError.utf8.count) bytes of error")
    }

    @Test func splitWithoutEvaluableValidationUsersIsRefused() throws {
        // Every user but one rates only items that nobody else rates: held-out users keep no item.
        var text = "userId,movieId,rating\n"
        for item in 1...6 { text += "1,\(item),5\n" }
        for user in 2...7 { for item in 1...5 { text += "\(user),\(user * 100 + item),5\n" } }
        let ratings = folder.appendingPathComponent("isolated.csv")
        try Data(text.utf8).write(to: ratings)
        let output = folder.appendingPathComponent("isolated.vaecf")
        let result = try CLIRunner.run([
            "prepare", ratings.path, "--output", output.path, "--heldout-users", "3", "--seed", "1",
        ])
        #expect(result.status != 0)
        #expect(result.standardError.contains("part of the split would be empty"), "\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }
}
