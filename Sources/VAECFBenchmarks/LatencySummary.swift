/// Percentiles of a set of latencies, in seconds.
package struct LatencySummary: Sendable, Codable, Equatable {
    package var count: Int
    package var mean: Double
    package var p50: Double
    package var p90: Double
    package var p95: Double
    package var p99: Double
    package var minimum: Double
    package var maximum: Double

    /// Nearest-rank percentiles of `samples` (seconds); all zero when empty.
    package init(samples: [Double]) {
        let sorted = samples.sorted()
        count = sorted.count
        func percentile(_ fraction: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let rank = Int((fraction * Double(sorted.count)).rounded(.up))
            return sorted[min(sorted.count - 1, max(0, rank - 1))]
        }
        mean = sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count)
        p50 = percentile(0.50)
        p90 = percentile(0.90)
        p95 = percentile(0.95)
        p99 = percentile(0.99)
        minimum = sorted.first ?? 0
        maximum = sorted.last ?? 0
    }
}
