import VAECFCompute
import VAECFCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension GEMM {
    /// Timing of one product shape.
    package struct Throughput: Sendable {
        /// Median GFLOP/s (`2 m n k` floating-point operations per product).
        package let medianGFLOPS: Double
        /// Wall-clock seconds of every timed repetition, in run order.
        package let seconds: [Double]
        /// Processor seconds of the whole process (all threads, the library's included) per repetition: on a
        /// busy machine, `2 m n k / cpuSeconds` still shows how fast the code runs while it has a core.
        package let cpuSeconds: [Double]
        /// Median GFLOP per processor-second.
        package var medianGFLOPSPerCPUSecond: Double {
            operations / 1e9 / Statistics.median(cpuSeconds)
        }
        /// `2 m n k`.
        package let operations: Double
    }

    /// Median GFLOP/s of `C = op(A) * op(B)` with `op(A)` `[m, k]`, `op(B)` `[k, n]`, over `repetitions` timed
    /// runs after one untimed warm-up. The operands are filled with seeded pseudo-random values.
    package func measureThroughput(
        m: Int, n: Int, k: Int, repetitions: Int, transposeA: Bool = false, transposeB: Bool = false
    ) -> Double {
        measureThroughputDetails(
            m: m, n: n, k: k, repetitions: repetitions, transposeA: transposeA, transposeB: transposeB
        ).medianGFLOPS
    }

    /// Like `measureThroughput` with every repetition's time; `bfloat16B` gives `B` as bfloat16 bits (the copy
    /// that bfloat16 training's products read; needs ``precision`` `bfloat16`).
    package func measureThroughputDetails(
        m: Int, n: Int, k: Int, repetitions: Int, transposeA: Bool = false, transposeB: Bool = false,
        bfloat16B: Bool = false
    ) -> Throughput {
        precondition(m > 0 && n > 0 && k > 0 && repetitions > 0, "benchmark sizes and repetitions must be positive")
        precondition(!bfloat16B || precision == .bfloat16, "bfloat16 operands need a bfloat16 GEMM")
        var random = RandomSource(seed: 0x6E4D_4D)
        let a = (0..<(m * k)).map { _ in random.nextFloat() - 0.5 }
        let b = (0..<(k * n)).map { _ in random.nextFloat() - 0.5 }
        var bits = [UInt16](repeating: 0, count: bfloat16B ? b.count : 0)
        if bfloat16B { BFloat16Products.round(b, count: b.count, into: &bits) }
        var c = [Float](repeating: 0, count: m * n)
        let clock = ContinuousClock()
        var seconds: [Double] = []
        var cpuSeconds: [Double] = []
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                bits.withUnsafeBufferPointer { bits in
                    c.withUnsafeMutableBufferPointer { c in
                        for repetition in 0...repetitions {
                            let cpuStart = processorSeconds()
                            let elapsed = clock.measure {
                                multiply(
                                    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1,
                                    a: a.baseAddress!, lda: transposeA ? m : k, b: b.baseAddress!,
                                    bfloat16B: bfloat16B ? bits.baseAddress : nil, ldb: transposeB ? k : n, beta: 0,
                                    c: c.baseAddress!, ldc: n)
                            }
                            let cpuElapsed = processorSeconds() - cpuStart
                            if repetition > 0 {
                                cpuSeconds.append(cpuElapsed)
                                seconds.append(elapsed.seconds)
                            }
                        }
                    }
                }
            }
        }
        let operations = 2 * Double(m) * Double(n) * Double(k)
        return Throughput(
            medianGFLOPS: operations / Statistics.median(seconds) / 1e9, seconds: seconds, cpuSeconds: cpuSeconds,
            operations: operations)
    }
}

/// Processor time used so far by all threads of this process.
private func processorSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}
