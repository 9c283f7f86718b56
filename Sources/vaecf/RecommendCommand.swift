import ArgumentParser
import Foundation
import VAECF
import VAECFCompute
import VAECFData

extension RecommendationFileFormat: ExpressibleByArgument {}

/// `vaecf recommend`: top items for one user given on the command line, or for every user of a file.
struct RecommendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract:
            "Recommend items for a user's items (--items), a training user by id (--user) or every user of a file (--input).",
        discussion: """
            Scores are the model's softmax probabilities over all items. The user's own items and --exclude \
            never appear. --user ID asks for a user seen in training (the model file keeps their items unless \
            trained with --no-user-histories); their training items never appear. Ids the model does not know are reported on standard error (and in the JSON output) \
            and otherwise ignored; a user with no known item gets the model's prior (popular items).
            Batch mode reads a ratings file (MovieLens formats or csv with a header, see `vaecf prepare`), \
            groups it by user, scores --batch-size users per forward pass and writes csv (user,rank,item,score) \
            or JSON lines ({"user":..,"items":[{"id":..,"score":..}],"unknown":[..]}), to --output atomically \
            or to standard output.
            """)

    @Option(
        help: "Model file from `vaecf train` (a checkpoint gives its best-validation weights).",
        transform: URL.init(fileURLWithPath:)) var model: URL
    @Option(help: "The user's items: original ids separated by commas.") var items: String?
    @Option(help: "A user seen in training, by original id (the model file must keep its training users).")
    var user: String?
    @Option(help: "Items never to recommend, separated by commas.") var exclude: String?
    @Option(help: "How many items to return per user.") var k: Int = 20
    @Flag(help: "Single user: print {\"items\": [{\"id\", \"score\"}], \"unknown\": [...]} as JSON.") var json = false
    @Option(help: "Batch mode: an interaction file (user and item per line).", transform: URL.init(fileURLWithPath:))
    var input: URL?
    @Option(help: "Batch mode: the file to write (default: standard output).", transform: URL.init(fileURLWithPath:))
    var output: URL?
    @Option(help: "Batch mode output: csv or jsonl (default: from the --output extension, else csv).")
    var format: RecommendationFileFormat?
    @Option(name: .customLong("input-format"), help: "auto, movielens-20m, movielens-1m, movielens-100k or csv.")
    var inputFormat: String = "auto"
    @OptionGroup var columns: ColumnNameOptions
    @Option(name: .customLong("rating-threshold"), help: "Keep ratings >= this value (when the input has ratings).")
    var ratingThreshold: Double = 3.5
    @Option(name: .customLong("batch-size"), help: "Batch mode: users scored per forward pass.") var batchSize: Int =
        1000
    @Option(help: "Output-layer weights: float32, float16 or bfloat16 (bfloat16 products; needs AVX512-BF16).")
    var precision: InferencePrecision = .float32
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        if k < 1 { throw ValidationError("--k must be at least 1") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        if !precision.missingInstructions.isEmpty {
            throw ValidationError(
                ComputePrecisionError.unsupported(.bfloat16, missingInstructions: precision.missingInstructions)
                    .description)
        }
        if user != nil {
            if items != nil || input != nil {
                throw ValidationError("--user cannot be combined with --items or --input")
            }
            if output != nil || format != nil { throw ValidationError("--output and --format need --input") }
            return
        }
        switch (items, input) {
        case (nil, nil):
            throw ValidationError(
                "give the user's items with --items, a training user with --user, or a file of users with --input")
        case (.some, .some): throw ValidationError("--items and --input cannot be used together")
        case (.some(let list), nil):
            if Self.identifiers(list).isEmpty { throw ValidationError("--items must name at least one item id") }
            if output != nil || format != nil { throw ValidationError("--output and --format need --input") }
        case (nil, .some):
            if json { throw ValidationError("--json is for --items; use --format jsonl with --input") }
            if InteractionFormat(rawValue: inputFormat) == nil {
                let names = InteractionFormat.allCases.map(\.rawValue).joined(separator: ", ")
                throw ValidationError("--input-format must be one of \(names)")
            }
        }
    }

    /// Ids separated by commas, trimmed, empty ones dropped.
    static func identifiers(_ list: String) -> [String] {
        list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func run() throws {
        let engine = compute.makeEngine()
        let recommender = try Recommender.load(
            model, gemm: engine.gemm, threadCount: compute.threadCount, precision: precision)
        let excluded = exclude.map(Self.identifiers) ?? []
        if let user {
            try printResult(try recommender.recommend(user: user, count: k, exclude: excluded))
        } else if let items {
            try recommendOne(recommender, items: Self.identifiers(items), excluded: excluded)
        } else if let input {
            try recommendFile(recommender, input: input, excluded: excluded)
        }
    }

    func recommendOne(_ recommender: Recommender, items: [String], excluded: [String]) throws {
        let result = recommender.recommend([RecommendationQuery(items: items, count: k, exclude: excluded)])[0]
        if !result.unknown.isEmpty {
            printError(
                "warning: \(result.unknown.count) id\(result.unknown.count == 1 ? " is" : "s are") not in the model: \(result.unknown.joined(separator: ", "))"
            )
        }
        if !items.contains(where: { recommender.index(of: $0) != nil }) {
            printError("warning: no known item: recommending from an empty history (the model's most likely items)")
        }
        try printResult(result)
    }

    /// Prints one user's answer as a table, or as JSON with --json; warns about unknown ids.
    func printResult(_ result: RecommendationResult) throws {
        if user != nil, !result.unknown.isEmpty {
            printError("warning: not in the model: \(result.unknown.joined(separator: ", "))")
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
            return
        }
        Self.printTable(result.items)
    }

    /// Prints `rank  item  score` lines, the ids padded to one width.
    static func printTable(_ items: [ScoredItem]) {
        let width = max(4, items.map(\.id.count).max() ?? 0)
        print("rank  " + "item".padding(toLength: width, withPad: " ", startingAt: 0) + "  score")
        for (rank, item) in items.enumerated() {
            let rankText = String(rank + 1)
            print(
                String(repeating: " ", count: max(0, 4 - rankText.count)) + rankText + "  "
                    + item.id.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                    + String(format: "%.6g", item.score))
        }
    }
}
