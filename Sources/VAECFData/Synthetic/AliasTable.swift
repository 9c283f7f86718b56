import VAECFCore

/// Walker's alias method (Vose's construction): draws an index `i` in `0 ..< weights.count` with
/// probability `weights[i] / sum(weights)` in constant time, from one uniform integer and one uniform double.
struct AliasTable: Sendable {
    /// Probability of keeping column `i` rather than taking its alias; `[count]`.
    let keepProbabilities: [Double]
    /// The other index of column `i`; `[count]`.
    let aliases: [Int32]

    /// Builds the table. Weights must be non-negative with a positive sum.
    init(weights: [Double]) {
        let count = weights.count
        precondition(count > 0 && count <= Int(Int32.max), "an alias table needs 1 to 2^31 - 1 weights")
        let total = weights.reduce(0, +)
        precondition(total > 0 && total.isFinite, "alias table weights must have a positive, finite sum")
        var scaled = weights.map { $0 * Double(count) / total }
        var keep = [Double](repeating: 1, count: count)
        var alias = [Int32](repeating: 0, count: count)
        for index in 0..<count { alias[index] = Int32(index) }
        var small = [Int32]()
        var large = [Int32]()
        for index in 0..<count {
            if scaled[index] < 1 { small.append(Int32(index)) } else { large.append(Int32(index)) }
        }
        while let lighter = small.popLast() {
            guard let heavier = large.last else {
                small.append(lighter)
                break
            }
            keep[Int(lighter)] = scaled[Int(lighter)]
            alias[Int(lighter)] = heavier
            scaled[Int(heavier)] -= 1 - scaled[Int(lighter)]
            if scaled[Int(heavier)] < 1 {
                large.removeLast()
                small.append(heavier)
            }
        }
        // What is left (rounding) keeps itself with probability 1.
        for index in small { keep[Int(index)] = 1 }
        for index in large { keep[Int(index)] = 1 }
        keepProbabilities = keep
        aliases = alias
    }

    /// Number of outcomes.
    var count: Int { aliases.count }

    /// Draws one index.
    @inline(__always) func sample(using random: inout RandomSource) -> Int {
        let column = random.nextInt(below: aliases.count)
        return random.nextDouble() < keepProbabilities[column] ? column : Int(aliases[column])
    }
}
