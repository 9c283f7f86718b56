import Foundation
import Testing
import VAECFTestSupport

/// `--precision bfloat16` and `--loss-scale` on the command line.
@Suite("precision options", .serialized)
struct PrecisionCommandTests {
    static let hasBFloat16: Bool = {
        #if arch(x86_64)
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return false }
        return text.contains("avx512_bf16")
        #else
        return false
        #endif
    }()

    @Test(
        "bfloat16 training logs its precision and loss scale, serves in any precision, and resumes only with its loss scaling",
        .enabled(if: hasBFloat16, "this CPU has no AVX512-BF16: bfloat16 is not run"))
    func bfloat16Training() throws {
        let folder = try TrainCommandTests.preparedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data.vaecf").path
        let model = folder.appendingPathComponent("model").path
        let log = folder.appendingPathComponent("log.jsonl").path
        let common =
            ["train", "--data", data, "--output", model, "--checkpoint-interval", "0"] + TrainCommandTests.smallModel
        let train = try CLIRunner.run(common + ["--epochs", "2", "--precision", "bfloat16", "--log-path", log])
        #expect(train.status == 0, "\(train.standardError)")
        #expect(train.standardError.contains("compute: bfloat16 (avx512_bf16"))
        #expect(train.standardError.contains("loss scale 32768.0, 0 steps skipped"))
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.first?.contains("\"precision\":\"bfloat16\"") == true)
        #expect(lines.first?.contains("\"loss_scale\":\"dynamic\"") == true)
        #expect(lines.filter { $0.contains("\"loss_scale\":32768") }.count == 2)
        for precision in ["float32", "bfloat16"] {
            let test = try CLIRunner.run(["test", "--data", data, "--model", model, "--precision", precision])
            #expect(test.status == 0 && test.standardOutput.contains("NDCG@100"), "\(test.standardError)")
        }
        for precision in ["float32", "float16", "bfloat16"] {
            let recommend = try CLIRunner.run([
                "recommend", "--model", model, "--items", "i1,i2,i3", "--precision", precision,
            ])
            #expect(recommend.status == 0, "\(precision): \(recommend.standardError)")
        }
        let refused = try CLIRunner.run(
            common + ["--epochs", "3", "--resume", "--precision", "bfloat16", "--loss-scale", "none"])
        #expect(refused.status != 0)
        #expect(refused.standardError.contains("--loss-scale none differs from the checkpoint's (dynamic)"))
        let resumed = try CLIRunner.run(common + ["--epochs", "3", "--resume", "--precision", "bfloat16"])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        let switched = try CLIRunner.run(common + ["--epochs", "4", "--resume"])
        #expect(switched.status == 0 && switched.standardError.contains("trained with --precision bfloat16"))
    }

    @Test("bad precision and loss-scale values are refused before any work")
    func badValues() throws {
        let gemm = try CLIRunner.run(["benchmark", "gemm", "--precision", "float8", "--m", "8", "--n", "8", "--k", "8"])
        #expect(gemm.status != 0 && gemm.standardError.contains("float8"))
        let train = try CLIRunner.run([
            "train", "--data", "/nonexistent.vaecf", "--output", "/tmp/x", "--loss-scale", "0",
        ])
        #expect(train.status != 0 && train.standardError.contains("--loss-scale"))
        if !Self.hasBFloat16 {
            let refused = try CLIRunner.run([
                "benchmark", "gemm", "--precision", "bfloat16", "--m", "8", "--n", "8", "--k", "8",
            ])
            #expect(refused.status != 0 && refused.standardError.contains("AVX512-BF16"))
        } else {
            let run = try CLIRunner.run([
                "benchmark", "gemm", "--precision", "bfloat16", "--m", "40", "--n", "50", "--k", "70",
            ])
            #expect(run.status == 0 && run.standardOutput.contains("backend: bfloat16"), "\(run.standardError)")
        }
    }
}
