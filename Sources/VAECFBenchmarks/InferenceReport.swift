import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What `vaecf benchmark inference` measured, as text lines or one JSON object (times in seconds).
package struct InferenceReport: Codable {
    /// The large-batch measurement: seconds of every round of the full recommendation and of the plain sgemm.
    package struct Batch: Codable {
        package var users: Int
        package var k: Int
        package var blockRows: Int
        package var rounds: [Double]
        package var sgemmRounds: [Double]
        package var sgemmShape: [Int]
        /// Median seconds of one call for all users.
        package var seconds: Double
        package var sgemmSeconds: Double
        package var usersPerSecond: Double
        /// Median of the per-round ratios of recommendation time to plain sgemm time.
        package var ratio: Double

        package init(users: Int, k: Int, blockRows: Int, rounds: [Double], sgemmRounds: [Double], sgemmShape: [Int]) {
            self.users = users
            self.k = k
            self.blockRows = blockRows
            self.rounds = rounds
            self.sgemmRounds = sgemmRounds
            self.sgemmShape = sgemmShape
            seconds = Statistics.median(rounds)
            sgemmSeconds = Statistics.median(sgemmRounds)
            usersPerSecond = Double(users) / seconds
            ratio = Statistics.median(zip(rounds, sgemmRounds).map { $0 / $1 })
        }
    }

    package var model: String
    package var items: Int
    package var dimensions: [Int]
    package var precision: String
    package var backend: String
    package var threads: Int
    /// One-minute load average of the machine before and after (the measurements are only as quiet as it).
    package var loadBefore: Double
    package var loadAfter: Double = 0
    package var latency: LatencySummary?
    /// Queries per call of the small-batch latency, and that latency.
    package var smallBatch: Int?
    package var smallBatchLatency: LatencySummary?
    package var batch: Batch?
    /// Test metrics per precision (`float32`, `float16`), with `--data`.
    package var quality: [String: [String: Double]]?

    package init(
        model: String, items: Int, dimensions: [Int], precision: String, backend: String, threads: Int,
        loadBefore: Double
    ) {
        self.model = model
        self.items = items
        self.dimensions = dimensions
        self.precision = precision
        self.backend = backend
        self.threads = threads
        self.loadBefore = loadBefore
    }

    /// The one-minute load average, or -1 where it cannot be read.
    package static func loadAverage() -> Double {
        var values = [Double](repeating: -1, count: 3)
        return getloadavg(&values, 3) >= 1 ? values[0] : -1
    }

    package var lines: [String] {
        var lines = [
            "model: \(model), \(items) items, encoder \(dimensions), \(precision) output weights",
            "compute: \(backend), \(threads) thread\(threads == 1 ? "" : "s"); load average \(format(loadBefore, 2)) before, \(format(loadAfter, 2)) after",
        ]
        if let latency {
            lines.append(
                "batch-1 latency over \(latency.count) queries (ms): mean \(milliseconds(latency.mean))  p50 \(milliseconds(latency.p50))  "
                    + "p90 \(milliseconds(latency.p90))  p95 \(milliseconds(latency.p95))  p99 \(milliseconds(latency.p99))  "
                    + "min \(milliseconds(latency.minimum))  max \(milliseconds(latency.maximum))")
        }
        if let smallBatch, let latency = smallBatchLatency {
            lines.append(
                "batch-\(smallBatch) latency per call over \(latency.count) calls (ms): mean \(milliseconds(latency.mean))  "
                    + "p50 \(milliseconds(latency.p50))  p90 \(milliseconds(latency.p90))  p99 \(milliseconds(latency.p99))"
            )
        }
        if let batch {
            let rounds = batch.rounds.count
            lines.append(
                "batch of \(batch.users) users (top \(batch.k), fold-in excluded, blocks of \(batch.blockRows)), median of \(rounds): "
                    + "\(format(batch.seconds, 3)) s, \(format(batch.usersPerSecond, 0)) users/s")
            let shape = batch.sgemmShape
            lines.append(
                "plain sgemm [\(shape[0]), \(shape[1])] x [\(shape[1]), \(shape[2])] (same blocks, alternating): "
                    + "\(format(batch.sgemmSeconds, 3)) s; recommend / sgemm = \(format(batch.ratio, 2)) (median of the round ratios)"
            )
        }
        if let quality {
            for (precision, metrics) in quality.sorted(by: { $0.key < $1.key }) {
                let text = metrics.sorted { $0.key < $1.key }.filter { $0.key != "users" }
                    .map { "\($0.key) \(format($0.value, 5))" }.joined(separator: "  ")
                lines.append("test \(precision): \(text)  (\(Int(metrics["users"] ?? 0)) users)")
            }
            for narrow in ["float16", "bfloat16"] {
                if let single = quality["float32"]?["ndcg@100"], let value = quality[narrow]?["ndcg@100"] {
                    lines.append("NDCG@100 change \(narrow) - float32: \(String(format: "%+.6f", value - single))")
                }
            }
        }
        return lines
    }

    private func milliseconds(_ seconds: Double) -> String { format(seconds * 1000, 3) }
    private func format(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
}
