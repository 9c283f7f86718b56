import Foundation
import Testing
import VAECFBenchmarks
import VAECFCompute

@Suite("Benchmark measurements and reports")
struct BenchmarkMeasurementTests {
    @Test("the throughput measurement reports a positive rate")
    func throughputIsPositive() {
        let rate = GEMM.portable(threadCount: 1).measureThroughput(m: 8, n: 8, k: 8, repetitions: 3)
        #expect(rate > 0 && rate.isFinite)
        let details = GEMM.portable(threadCount: 1).measureThroughputDetails(
            m: 5, n: 3, k: 4, repetitions: 4, transposeA: true)
        #expect(details.seconds.count == 4 && details.cpuSeconds.count == 4 && details.operations == 120)
    }

    @Test("latency percentiles are nearest-rank")
    func percentiles() {
        let summary = LatencySummary(samples: (1...200).reversed().map { Double($0) })
        #expect(summary.count == 200 && summary.p50 == 100 && summary.p90 == 180 && summary.p99 == 198)
        #expect(summary.mean == 100.5 && summary.minimum == 1 && summary.maximum == 200)
        #expect(LatencySummary(samples: []).p50 == 0)
    }

    @Test("medians: the middle value, the mean of the middle two, 0 when empty")
    func medians() {
        #expect(Statistics.median([3, 1, 2]) == 2)
        #expect(Statistics.median([4, 1, 3, 2]) == 2.5)
        #expect(Statistics.median([]) == 0)
    }

    @Test("the inference report's batch figures are medians, and its JSON keeps the keys scripts read")
    func inferenceReportJSON() throws {
        var report = InferenceReport(
            model: "fresh", items: 10, dimensions: [4, 2], precision: "float32", backend: "portable", threads: 1,
            loadBefore: 0.5)
        report.latency = LatencySummary(samples: [0.001, 0.002, 0.003])
        report.batch = .init(
            users: 100, k: 5, blockRows: 50, rounds: [2, 1, 4], sgemmRounds: [1, 1, 1], sgemmShape: [100, 4, 10])
        #expect(report.batch?.seconds == 2 && report.batch?.usersPerSecond == 50 && report.batch?.ratio == 2)
        let object = try #require(
            try JSONSerialization.jsonObject(with: try JSONEncoder().encode(report)) as? [String: Any])
        #expect(
            Set(object.keys) == [
                "model", "items", "dimensions", "precision", "backend", "threads", "loadBefore", "loadAfter", "latency",
                "batch",
            ])
        let batch = try #require(object["batch"] as? [String: Any])
        #expect(
            Set(batch.keys) == [
                "users", "k", "blockRows", "rounds", "sgemmRounds", "sgemmShape", "seconds", "sgemmSeconds",
                "usersPerSecond", "ratio",
            ])
        #expect(report.lines.count == 5 && report.lines[2].hasPrefix("batch-1 latency over 3 queries (ms)"))
    }
}
