import Foundation
import Testing

/// The option groups every command shares (threads, input columns, precision) and the enum options that
/// ArgumentParser parses: one check and one message wherever they appear, values listed in `--help`.
@Suite("shared options")
final class SharedOptionTests {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("vaecf-options-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// The `Error: ...` line of a usage error.
    private func errorLine(_ result: CLIResult) -> String? {
        result.standardError.split(separator: "\n").first { $0.hasPrefix("Error: ") }.map(String.init)
    }

    @Test("a bad --threads is refused with one message by every command that has it, before any work")
    func threadsRefusedAlike() throws {
        let missing = folder.appendingPathComponent("missing.csv").path
        let output = folder.appendingPathComponent("out").path
        let commands: [[String]] = [
            ["benchmark", "gemm", "--m", "4", "--n", "4", "--k", "4"], ["synth", "--output", output],
            ["prepare", missing, "--output", output], ["download", "movielens-100k", "--output", output],
            ["test", "--data", missing, "--model", missing], ["recommend", "--model", missing, "--items", "1"],
        ]
        var lines = Set<String>()
        for command in commands {
            let result = try CLIRunner.run(command + ["--threads", "0"])
            #expect(result.status == 64, "\(command): \(result.standardError)")
            #expect(result.standardOutput.isEmpty, "\(command)")
            lines.insert(errorLine(result) ?? "none: \(result.standardError)")
        }
        #expect(lines == ["Error: --threads must be at least 1, got 0"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test("--help lists the values of enum options")
    func helpListsValues() throws {
        let cases: [([String], String)] = [
            (["train", "--help"], "values: multvae, multdae, ease, recvae"),
            (["train", "--help"], "values: float32, bfloat16; default: float32"),
            (["train", "--help"], "values: tanh, relu"),
            (["recommend", "--help"], "values: float32, float16, bfloat16; default: float32"),
            (["recommend", "--help"], "values: auto, movielens-20m, movielens-1m, movielens-100k, csv; default: auto"),
            (["prepare", "--help"], "values: auto, movielens-20m, movielens-1m, movielens-100k, csv"),
            (["serve", "--help"], "values: trace, debug, info, notice, warning, error, critical; default: info"),
            (["test", "--help"], "values: test, validation; default: test"),
            (["benchmark", "inference", "--help"], "values: float32, float16, bfloat16"),
        ]
        for (arguments, values) in cases {
            let result = try CLIRunner.run(arguments)
            #expect(result.status == 0, "\(arguments)")
            // Help wraps long lines: compare with the line breaks and indentation removed.
            let text = result.standardOutput.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .joined(separator: " ")
            #expect(text.contains(values), "\(arguments): \(values)")
        }
    }

    @Test("an unknown enum value is refused naming the valid values")
    func unknownValuesNameTheValidOnes() throws {
        let missing = folder.appendingPathComponent("missing").path
        let cases: [([String], String)] = [
            (
                ["train", "--data", missing, "--output", missing, "--model", "slim"],
                "Please provide one of 'multvae', 'multdae', 'ease' or 'recvae'."
            ),
            (
                ["recommend", "--model", missing, "--items", "1", "--precision", "float8"],
                "The value 'float8' is invalid for '--precision <precision>'. Please provide one of 'float32', 'float16' or 'bfloat16'."
            ),
            (
                ["test", "--data", missing, "--model", missing, "--split", "train"],
                "The value 'train' is invalid for '--split <split>'. Please provide one of 'test' and 'validation'."
            ),
            (
                ["serve", "--model", missing, "--log-level", "loud"],
                "Please provide one of the following:\n  - trace\n"
            ),
            (["prepare", missing, "--output", missing, "--format", "parquet"], "'movielens-100k'"),
            (["recommend", "--model", missing, "--input", missing, "--input-format", "xml"], "'movielens-100k'"),
        ]
        for (arguments, message) in cases {
            let result = try CLIRunner.run(arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.standardError.contains(message), "\(arguments): \(result.standardError)")
        }
    }

    @Test("precision aliases are accepted by the parser")
    func precisionAliases() throws {
        let result = try CLIRunner.run([
            "benchmark", "gemm", "--m", "4", "--n", "4", "--k", "4", "--repetitions", "1", "--precision", "FP32",
            "--threads", "1",
        ])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("shape: m 4, n 4, k 4"))
    }

    @Test("the input column options: one check on prepare and recommend; --delimiter reads other separators")
    func inputColumns() throws {
        let missing = folder.appendingPathComponent("missing.csv").path
        let output = folder.appendingPathComponent("out.vaecf").path
        let commands = [
            ["prepare", missing, "--output", output], ["recommend", "--model", missing, "--input", missing],
        ]
        for options in [["--rating-threshold", "nan"], ["--delimiter", "ab"]] {
            let messages = try commands.map { try CLIRunner.run($0 + options) }.map { result in
                #expect(result.status == 64)
                return errorLine(result)
            }
            #expect(messages[0] != nil && messages[0] == messages[1], "\(options): \(messages)")
        }
        var comma = "user,item,rating\n"
        for user in 1...40 { for item in 0..<(5 + user % 4) { comma += "u\(user),i\((user * 7 + item * 3) % 30),4\n" } }
        let commaFile = folder.appendingPathComponent("ratings.csv")
        let pipeFile = folder.appendingPathComponent("ratings.txt")
        try Data(comma.utf8).write(to: commaFile)
        try Data(comma.replacingOccurrences(of: ",", with: "|").utf8).write(to: pipeFile)
        func prepare(_ input: URL, _ options: [String]) throws -> CLIResult {
            try CLIRunner.run(
                [
                    "prepare", input.path, "--output", folder.appendingPathComponent(UUID().uuidString).path,
                    "--heldout-users", "5",
                ] + options)
        }
        let undetected = try prepare(pipeFile, [])
        #expect(undetected.status != 0)
        let fromComma = try prepare(commaFile, [])
        let fromPipe = try prepare(pipeFile, ["--delimiter", "|", "--user-column", "user"])
        #expect(fromComma.status == 0 && fromPipe.status == 0, "\(fromPipe.standardError)")
        let summary = { (result: CLIResult) in
            result.standardOutput.split(separator: "\n").filter { $0.contains("users") }
        }
        #expect(!summary(fromComma).isEmpty && summary(fromComma) == summary(fromPipe))
    }
}
