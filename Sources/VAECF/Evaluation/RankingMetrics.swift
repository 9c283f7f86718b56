import Foundation

/// The cutoffs at which an `Evaluator` reports NDCG and Recall.
///
/// The default (``standard``) is the paper's: NDCG@100, Recall@20 and Recall@50.
public struct RankingCutoffs: Sendable, Codable, Equatable {
    /// NDCG cutoffs `K`, ascending, unique, each at least 1.
    public let ndcg: [Int]
    /// Recall cutoffs `R`, ascending, unique, each at least 1.
    public let recall: [Int]

    /// Cutoffs from any order; duplicates are dropped.
    /// - Throws: ``RankingCutoffsError`` when a cutoff is below 1 or both lists are empty.
    public init(ndcg: [Int], recall: [Int]) throws(RankingCutoffsError) {
        if let bad = (ndcg + recall).first(where: { $0 < 1 }) { throw .notPositive(bad) }
        guard !(ndcg.isEmpty && recall.isEmpty) else { throw .empty }
        self.ndcg = Array(Set(ndcg)).sorted()
        self.recall = Array(Set(recall)).sorted()
    }

    /// NDCG@100, Recall@20 and Recall@50.
    public static let standard = RankingCutoffs(unchecked: [100], recall: [20, 50])

    private init(unchecked ndcg: [Int], recall: [Int]) {
        self.ndcg = ndcg
        self.recall = recall
    }

    /// The largest cutoff: how many items the evaluator ranks per user.
    public var maximum: Int { max(ndcg.last ?? 0, recall.last ?? 0) }

    private enum CodingKeys: String, CodingKey { case ndcg, recall }

    /// Decodes `{"ndcg": [...], "recall": [...]}` with the same checks as ``init(ndcg:recall:)``.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            ndcg: container.decode([Int].self, forKey: .ndcg), recall: container.decode([Int].self, forKey: .recall))
    }
}

/// Invalid ``RankingCutoffs``.
public enum RankingCutoffsError: Error, Equatable, LocalizedError, CustomStringConvertible {
    /// A cutoff below 1.
    case notPositive(Int)
    /// No cutoff at all.
    case empty

    /// The text for logs, messages and errors.
    public var description: String {
        switch self {
        case .notPositive(let value): return "ranking cutoff \(value) must be at least 1"
        case .empty: return "at least one NDCG or Recall cutoff is needed"
        }
    }

    /// The same text as `description`.
    public var errorDescription: String? { description }
}

/// Ranking quality averaged over the evaluated users (those with at least one held-out item).
///
/// Keys follow the reference Mult-VAE: `ndcg@K` is DCG@K / IDCG@K with discounts `1 / log2(rank + 2)`
/// (0-based ranks) and IDCG over `min(K, |held-out|)` hits; `recall@R` is hits in the top R divided by
/// `min(R, |held-out|)`. Encodes as one flat JSON object: `{"ndcg@100": ..., "recall@20": ..., "users": ...}`.
public struct RankingMetrics: Sendable, Codable, Equatable, CustomStringConvertible {
    /// Mean NDCG@K per cutoff K.
    public var ndcg: [Int: Double]
    /// Mean Recall@R per cutoff R.
    public var recall: [Int: Double]
    /// Number of users averaged over (users without held-out items are skipped).
    public var userCount: Int

    /// Metrics with NDCG@K and Recall@K by K, averaged over `userCount` users.
    public init(ndcg: [Int: Double], recall: [Int: Double], userCount: Int) {
        self.ndcg = ndcg
        self.recall = recall
        self.userCount = userCount
    }

    /// NDCG@100; NaN when that cutoff was not evaluated.
    public var ndcgAt100: Double {
        get { ndcg[100] ?? .nan }
        set { ndcg[100] = newValue }
    }

    /// Recall@20; NaN when that cutoff was not evaluated.
    public var recallAt20: Double {
        get { recall[20] ?? .nan }
        set { recall[20] = newValue }
    }

    /// Recall@50; NaN when that cutoff was not evaluated.
    public var recallAt50: Double {
        get { recall[50] ?? .nan }
        set { recall[50] = newValue }
    }

    /// Every metric as `(name, value)`, NDCG first, each by ascending cutoff: `[("ndcg@100", 0.42), ...]`.
    public var entries: [(name: String, value: Double)] {
        ndcg.sorted { $0.key < $1.key }.map { ("ndcg@\($0.key)", $0.value) }
            + recall.sorted { $0.key < $1.key }.map { ("recall@\($0.key)", $0.value) }
    }

    /// `NDCG@100 0.4245  Recall@20 0.3747  Recall@50 0.5503  (100 users)`.
    public var description: String {
        let parts =
            ndcg.sorted { $0.key < $1.key }.map { "NDCG@\($0.key) \(Self.format($0.value))" }
            + recall.sorted { $0.key < $1.key }.map { "Recall@\($0.key) \(Self.format($0.value))" }
        return parts.joined(separator: "  ") + "  (\(userCount) users)"
    }

    /// `value` with four decimals, without Foundation.
    private static func format(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        let scaled = Int((abs(value) * 10_000).rounded())
        let fraction = String(scaled % 10_000)
        return (value < 0 && scaled != 0 ? "-" : "") + "\(scaled / 10_000)."
            + String(repeating: "0", count: 4 - fraction.count) + fraction
    }

    // MARK: Codable as a flat object

    private struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Encodes the metrics as their JSON object.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (cutoff, value) in ndcg { try container.encode(value, forKey: Key(stringValue: "ndcg@\(cutoff)")) }
        for (cutoff, value) in recall { try container.encode(value, forKey: Key(stringValue: "recall@\(cutoff)")) }
        try container.encode(userCount, forKey: Key(stringValue: "users"))
    }

    /// Decodes the metrics from their JSON object.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        var ndcg = [Int: Double]()
        var recall = [Int: Double]()
        for key in container.allKeys where key.stringValue != "users" {
            let parts = key.stringValue.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, let cutoff = Int(parts[1]), cutoff >= 1, parts[0] == "ndcg" || parts[0] == "recall"
            else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container,
                    debugDescription: "expected \"ndcg@K\", \"recall@R\" or \"users\", found \"\(key.stringValue)\"")
            }
            let value = try container.decode(Double.self, forKey: key)
            if parts[0] == "ndcg" { ndcg[cutoff] = value } else { recall[cutoff] = value }
        }
        let userCount = try container.decode(Int.self, forKey: Key(stringValue: "users"))
        self.init(ndcg: ndcg, recall: recall, userCount: userCount)
    }
}
