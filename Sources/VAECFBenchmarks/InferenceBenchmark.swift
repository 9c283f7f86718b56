import Foundation
import VAECF
import VAECFCompute
import VAECFCore

/// The measurements of `vaecf benchmark inference`: batch-1 latency of the full query path and batch
/// throughput against a plain GEMM of the output layer's shape.
package enum InferenceBenchmark {
    /// `count` queries of `itemsPerQuery` distinct random items each (original ids), asking for `k` items.
    package static func randomQueries(
        itemIDs: [String], count: Int, itemsPerQuery: Int, k: Int, random: inout RandomSource
    ) -> [RecommendationQuery] {
        let size = min(itemsPerQuery, itemIDs.count)
        return (0..<count).map { _ in
            RecommendationQuery(items: random.sample(count: size, from: itemIDs.count).map { itemIDs[$0] }, count: k)
        }
    }

    /// Seconds elapsed while `body` runs.
    package static func time(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Latency of ``Recommender/recommend(_:)`` calls of `callSize` queries each (ids in, top ids out): the
    /// queries are taken `callSize` at a time; `warmUp` untimed calls with the first ones run before.
    package static func measureLatency(
        _ recommender: Recommender, queries: [RecommendationQuery], warmUp: Int, callSize: Int = 1
    ) -> LatencySummary {
        let size = max(1, callSize)
        let calls = stride(from: 0, to: queries.count, by: size).map {
            Array(queries[$0..<min(queries.count, $0 + size)])
        }
        var sink = 0
        for call in calls.prefix(warmUp) { sink &+= recommender.recommend(call)[0].items.count }
        var samples = [Double]()
        samples.reserveCapacity(calls.count)
        for call in calls {
            samples.append(time { sink &+= recommender.recommend(call)[0].items.count })
        }
        precondition(sink >= 0)
        return LatencySummary(samples: samples)
    }

    /// A plain product `[rows, depth] x [depth, items]` (random operands) computed in row blocks of
    /// `blockRows` into one `[blockRows, items]` buffer: the output layer's work for `rows` users with the
    /// scratch a ``Recommender`` uses, without anything else.
    package final class PlainProduct: @unchecked Sendable {
        // @unchecked: used from one thread at a time.
        let gemm: GEMM
        let rows: Int
        let depth: Int
        let items: Int
        let block: Int
        let input: FloatBuffer
        let weight: FloatBuffer
        let output: FloatBuffer

        package init(gemm: GEMM, rows: Int, depth: Int, items: Int, blockRows: Int) {
            self.gemm = gemm
            self.rows = rows
            self.depth = depth
            self.items = items
            block = max(1, min(blockRows, rows))
            var random = RandomSource(seed: 7)
            input = FloatBuffer(count: block * depth)
            weight = FloatBuffer(count: depth * items)
            output = FloatBuffer(count: block * items)
            for index in 0..<input.count { input.pointer[index] = random.nextFloat() - 0.5 }
            for index in 0..<weight.count { weight.pointer[index] = (random.nextFloat() - 0.5) * 0.1 }
        }

        /// Seconds of one product of all `rows`.
        package func measure() -> Double {
            time {
                var start = 0
                while start < rows {
                    let count = min(block, rows - start)
                    gemm.multiply(
                        transposeA: false, transposeB: false, m: count, n: items, k: depth, alpha: 1,
                        a: input.pointer, lda: depth, b: weight.pointer, ldb: items, beta: 0, c: output.pointer,
                        ldc: items)
                    start += count
                }
            }
        }
    }

    /// Times `repetitions` rounds of one ``Recommender/recommend(_:)`` call for all `queries` followed by the
    /// equivalent plain product, alternating so that both see the same machine load; one block of each runs
    /// untimed first. Returns the seconds of every round.
    package static func measureThroughput(
        _ recommender: Recommender, queries: [RecommendationQuery], plain: PlainProduct, repetitions: Int
    ) -> (recommend: [Double], plain: [Double]) {
        _ = recommender.recommend(Array(queries.prefix(recommender.blockRows)))
        plain.gemm.multiply(
            transposeA: false, transposeB: false, m: plain.block, n: plain.items, k: plain.depth, alpha: 1,
            a: plain.input.pointer, lda: plain.depth, b: plain.weight.pointer, ldb: plain.items, beta: 0,
            c: plain.output.pointer, ldc: plain.items)
        var recommendSeconds = [Double]()
        var plainSeconds = [Double]()
        for _ in 0..<max(1, repetitions) {
            recommendSeconds.append(time { _ = recommender.recommend(queries) })
            plainSeconds.append(plain.measure())
        }
        return (recommendSeconds, plainSeconds)
    }
}

extension InferenceBenchmark {
    /// The large-batch measurement: `users` random queries of `itemsPerQuery` items (top `k`) drawn from
    /// `random`, timed in `repetitions` rounds against the plain product of the output layer, whose input is
    /// `width` wide (the first hidden layer, or the latent code of a one-layer model).
    package static func measureBatch(
        _ recommender: Recommender, gemm: GEMM, users: Int, itemsPerQuery: Int, k: Int, width: Int, repetitions: Int,
        random: inout RandomSource
    ) -> InferenceReport.Batch {
        let queries = randomQueries(
            itemIDs: recommender.itemIDs, count: users, itemsPerQuery: itemsPerQuery, k: k, random: &random)
        let itemCount = recommender.description.itemCount
        let plain = PlainProduct(
            gemm: gemm, rows: users, depth: width, items: itemCount, blockRows: recommender.blockRows)
        let rounds = measureThroughput(recommender, queries: queries, plain: plain, repetitions: repetitions)
        return InferenceReport.Batch(
            users: users, k: k, blockRows: recommender.blockRows, rounds: rounds.recommend, sgemmRounds: rounds.plain,
            sgemmShape: [users, width, itemCount])
    }
}
