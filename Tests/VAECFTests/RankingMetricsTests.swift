import Foundation
import Testing
import VAECFCore

@testable import VAECF

/// Evaluates fixed per-user scores `scores[user][item]` with `evaluator`.
func evaluateFixedScores(_ evaluator: Evaluator, _ scores: [[Float]]) -> RankingMetrics {
    evaluator.evaluate { rows, output in
        for (local, user) in rows.enumerated() {
            for item in 0..<evaluator.itemCount { output[local * evaluator.itemCount + item] = scores[user][item] }
        }
    }
}

@Suite("RankingMetrics")
struct RankingMetricsTests {
    /// Three users over six items:
    /// - A: fold-in {2}, held-out {1, 3}; ranking without item 2 is [3, 0, 1, 4, 5].
    /// - B: fold-in {0, 1}, held-out {5}; ranking without items 0, 1 is [4, 5, 2, 3].
    /// - C: fold-in {3}, no held-out item: skipped.
    /// Fold-in items get the highest scores, so any leak of them into the ranking changes every number.
    private func tinyEvaluator(cutoffs: RankingCutoffs) -> (Evaluator, [[Float]]) {
        let foldIn = CSRMatrix(columnCount: 6, rows: [[2], [0, 1], [3]])
        let heldOut = CSRMatrix(columnCount: 6, rows: [[1, 3], [5], []])
        let scores: [[Float]] = [
            [0.8, 0.7, 1.0, 0.9, 0.6, 0.5],
            [5.0, 5.0, 0.3, 0.2, 0.9, 0.8],
            [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
        ]
        let evaluator = Evaluator(
            foldIn: foldIn, heldOut: heldOut, batchSize: 2, executor: ParallelExecutor(threadCount: 1),
            cutoffs: cutoffs)
        return (evaluator, scores)
    }

    @Test("hand-computed NDCG and Recall on tiny users")
    func handComputed() throws {
        let (evaluator, scores) = tinyEvaluator(cutoffs: try RankingCutoffs(ndcg: [2, 100], recall: [1, 2]))
        let metrics = evaluateFixedScores(evaluator, scores)
        // A: DCG@100 = 1/log2(2) + 1/log2(4) = 1.5; IDCG = 1/log2(2) + 1/log2(3) = 1.6309297535714575.
        //    NDCG@100 = 0.9197207891481876; NDCG@2 = 1 / 1.6309297535714575 = 0.6131471927654584.
        //    Recall@1 = 1/1; Recall@2 = 1/2.
        // B: the hit is at rank 1: DCG = 1/log2(3) = 0.6309297535714575; IDCG = 1 (one held-out item).
        //    NDCG@100 = NDCG@2 = 0.6309297535714575; Recall@1 = 0/1; Recall@2 = 1/min(2, 1) = 1.
        // C is skipped: the means are over two users.
        #expect(metrics.userCount == 2)
        #expect(abs(metrics.ndcg[100]! - (0.9197207891481876 + 0.6309297535714575) / 2) < 1e-12)
        #expect(abs(metrics.ndcg[2]! - (0.6131471927654584 + 0.6309297535714575) / 2) < 1e-12)
        #expect(metrics.recall[1] == 0.5)
        #expect(metrics.recall[2] == 0.75)
        #expect(abs(metrics.ndcgAt100 - 0.7753252713598225) < 1e-12)
        #expect(metrics.recallAt20.isNaN, "Recall@20 was not requested")
    }

    @Test("standard cutoffs: NDCG@100, Recall@20, Recall@50")
    func standardCutoffs() {
        let (evaluator, scores) = tinyEvaluator(cutoffs: .standard)
        let metrics = evaluateFixedScores(evaluator, scores)
        #expect(metrics.ndcg.keys.sorted() == [100])
        #expect(metrics.recall.keys.sorted() == [20, 50])
        // Every held-out item is within the top 20 of 6 items, so recall is 1 at both cutoffs.
        #expect(metrics.recallAt20 == 1)
        #expect(metrics.recallAt50 == 1)
        #expect(abs(metrics.ndcgAt100 - 0.7753252713598225) < 1e-12)
    }

    @Test("cutoffs are sorted, deduplicated and validated")
    func cutoffValidation() throws {
        let cutoffs = try RankingCutoffs(ndcg: [100, 10, 100], recall: [50, 20])
        #expect(cutoffs.ndcg == [10, 100])
        #expect(cutoffs.recall == [20, 50])
        #expect(cutoffs.maximum == 100)
        #expect(throws: RankingCutoffsError.notPositive(0)) { try RankingCutoffs(ndcg: [0], recall: [20]) }
        #expect(throws: RankingCutoffsError.empty) { try RankingCutoffs(ndcg: [], recall: []) }
        let bad = Data(#"{"ndcg": [-5], "recall": [20]}"#.utf8)
        #expect(throws: RankingCutoffsError.notPositive(-5)) {
            try JSONDecoder().decode(RankingCutoffs.self, from: bad)
        }
    }

    @Test("JSON uses flat ndcg@K / recall@R / users keys and round-trips")
    func jsonRoundTrip() throws {
        let metrics = RankingMetrics(ndcg: [100: 0.4245], recall: [20: 0.3747, 50: 0.5503], userCount: 100)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(metrics), as: UTF8.self)
        #expect(json == #"{"ndcg@100":0.4245,"recall@20":0.3747,"recall@50":0.5503,"users":100}"#)
        #expect(try JSONDecoder().decode(RankingMetrics.self, from: Data(json.utf8)) == metrics)
        let unknown = Data(#"{"precision@10": 0.1, "users": 3}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(RankingMetrics.self, from: unknown) }
    }

    @Test("description and entries list NDCG then Recall by cutoff")
    func description() {
        let metrics = RankingMetrics(ndcg: [100: 0.42449, 10: 0.3], recall: [50: 0.55036, 20: 0.0], userCount: 7)
        #expect(metrics.description == "NDCG@10 0.3000  NDCG@100 0.4245  Recall@20 0.0000  Recall@50 0.5504  (7 users)")
        #expect(metrics.entries.map(\.name) == ["ndcg@10", "ndcg@100", "recall@20", "recall@50"])
    }
}
