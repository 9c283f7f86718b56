#if !VAECF_LIBFUZZER
import Foundation

/// The fuzz driver without libFuzzer (a plain `swift build`): replays a corpus, then feeds the target seeded
/// mutations of it for a while. `Scripts/fuzz.sh` uses libFuzzer instead where the toolchain has it.
///
///     vaecf-fuzz run TARGET CORPUS-FOLDER [SECONDS] [SEED]
///     vaecf-fuzz seeds FOLDER          (writes the seed corpus, one subfolder per target)
@main
enum Driver {
    static func main() throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        switch arguments.first {
        case "seeds" where arguments.count == 2:
            try SeedCorpus.write(to: URL(fileURLWithPath: arguments[1]))
        case "run" where (3...5).contains(arguments.count):
            guard let target = FuzzTarget(rawValue: arguments[1]) else { usage() }
            let seconds = arguments.count > 3 ? Double(arguments[3]) ?? 10 : 10
            let seed = arguments.count > 4 ? UInt64(arguments[4]) ?? 1 : 1
            try run(target, corpus: URL(fileURLWithPath: arguments[2]), seconds: seconds, seed: seed)
        default:
            usage()
        }
    }

    static func usage() -> Never {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
        FileHandle.standardError.write(
            Data("usage: vaecf-fuzz run \(names) CORPUS [SECONDS] [SEED] | vaecf-fuzz seeds FOLDER\n".utf8))
        exit(2)
    }

    static func run(_ target: FuzzTarget, corpus: URL, seconds: Double, seed: UInt64) throws {
        let files = try FileManager.default.contentsOfDirectory(at: corpus, includingPropertiesForKeys: nil)
            .sorted { $0.path < $1.path }
        let inputs = try files.map { Array(try Data(contentsOf: $0)) }
        for input in inputs { input.withUnsafeBytes(target.run) }
        print("\(target.rawValue): replayed \(inputs.count) corpus inputs; mutating with seed \(seed) for \(seconds) s")
        var mutator = Mutator(seed: seed)
        let start = Date()
        var executions = 0
        while Date().timeIntervalSince(start) < seconds {
            let input = mutator.mutate(inputs.isEmpty ? [] : inputs[mutator.index(inputs.count)])
            input.withUnsafeBytes(target.run)
            executions += 1
        }
        let elapsed = Date().timeIntervalSince(start)
        print(
            "\(target.rawValue): \(executions) executions in \(String(format: "%.1f", elapsed)) s (\(Int(Double(executions) / max(elapsed, 1e-9)))/s), no crash"
        )
    }
}
#endif
