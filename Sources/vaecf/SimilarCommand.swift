import ArgumentParser
import Foundation
import VAECF

/// `vaecf similar`: the items most similar to given items, by cosine over the item vectors the model learned.
struct SimilarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar",
        abstract: "List the items most similar to an item (cosine over the model's learned item vectors).",
        discussion: """
            Similarity is the cosine between item vectors: Mult-VAE / Mult-DAE use each item's row of the \
            first encoder layer's weight, EASE each item's column of B. The item itself never appears. Several --item \
            options give one answer each, in order; an item id the model does not know is an error (nothing is \
            printed). --json prints one line per item: {"item":..,"items":[{"id":..,"score":..}],"unknown":[..]}, \
            where unknown lists ids of --allow and --deny the model does not know.
            """)

    @Option(
        help: "Model file from `vaecf train` (a checkpoint gives its best-validation weights).",
        transform: URL.init(fileURLWithPath:))
    var model: URL
    @Option(help: "An item's original id (repeat for several items).") var item: [String] = []
    @Option(help: "How many similar items to return per item.") var top: Int = 10
    @Option(help: "Only these items may be returned: original ids separated by commas.") var allow: String?
    @Option(help: "Items never to return: original ids separated by commas.") var deny: String?
    @Flag(help: "Print one JSON object per item.") var json = false
    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        if item.isEmpty { throw ValidationError("give at least one --item") }
        if top < 1 { throw ValidationError("--top must be at least 1") }
    }

    /// One answer as JSON.
    struct Answer: Encodable {
        var item: String
        var items: [ScoredItem]
        var unknown: [String]
    }

    func run() throws {
        let engine = compute.makeEngine()
        let recommender = try Recommender.load(model, gemm: engine.gemm, threadCount: compute.threadCount)
        let queries = item.map {
            SimilarItemsQuery(
                item: $0, count: top, allow: allow.map(RecommendCommand.identifiers),
                deny: deny.map(RecommendCommand.identifiers) ?? [])
        }
        let results = try recommender.similarItems(queries)
        if let unknown = results.first?.unknown, !unknown.isEmpty {
            printError("warning: not in the model: \(unknown.joined(separator: ", "))")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for (query, result) in zip(queries, results) {
            if json {
                let answer = Answer(item: query.item, items: result.items, unknown: result.unknown)
                print(String(decoding: try encoder.encode(answer), as: UTF8.self))
            } else {
                print("similar to \(query.item):")
                RecommendCommand.printTable(result.items)
            }
        }
    }
}
