import VAECFCompute

/// Top-K selection over one row of logits that looks at a few candidates only, with exactly the result of
/// ``TopK/select(scores:count:k:excluding:indices:values:)`` over the whole row.
///
/// 1. The maximum of every chunk of 64 scores (one vectorized pass; their maximum is the row's), adding the
///    output layer's bias in the same pass when the scores come without it.
/// 2. `t`, the `(k + excluded)`-th largest chunk maximum (quickselect): at least `k + excluded` items score `>= t`, so at
///    least `k` of them are not excluded, and every item of the true top `k` scores `>= t`.
/// 3. The items scoring `>= t` (a vectorized comparison; usually a few hundred) go through `TopK.select`,
///    in item order, so ties still rank the lower item first.
///
/// Falls back to the whole row when the chunks are too few, or scores are NaN or infinite.
///
/// A class: it owns its scratch memory and frees it once, in `deinit` (a copied struct would free it twice).
final class CandidateRanking {
    static let chunkWidth = 64

    let capacity: Int
    let reductions: RowReductions
    private let chunkMaxima: UnsafeMutablePointer<Float>
    private let candidateScores: UnsafeMutablePointer<Float>
    private let candidateItems: UnsafeMutablePointer<Int32>
    private let candidateExcluded: UnsafeMutablePointer<Int32>
    /// Room for a selection of up to `capacity` items (its `indices` and `values`), for callers that keep one
    /// ranking per worker.
    let selectedItems: UnsafeMutablePointer<Int32>
    let selectedScores: UnsafeMutablePointer<Float>

    /// Scratch for rows of up to `count` items, freed with the ranking.
    init(count: Int, reductions: RowReductions) {
        self.reductions = reductions
        capacity = max(count, 1)
        let chunks = (capacity + Self.chunkWidth - 1) / Self.chunkWidth
        chunkMaxima = .allocate(capacity: chunks)
        candidateScores = .allocate(capacity: capacity)
        candidateItems = .allocate(capacity: capacity)
        candidateExcluded = .allocate(capacity: capacity)
        selectedItems = .allocate(capacity: capacity)
        selectedScores = .allocate(capacity: capacity)
    }

    deinit {
        for pointer in [chunkMaxima, candidateScores, selectedScores] { pointer.deallocate() }
        for pointer in [candidateItems, candidateExcluded, selectedItems] { pointer.deallocate() }
    }

    /// Selects like `TopK.select` and also returns the row's maximum (NaN ignored; `-infinity` if none).
    /// With `bias`, first adds it to `scores` in place (`scores[i] += bias[i]`, in the pass of step 1).
    func select(
        scores: UnsafeMutablePointer<Float>, count: Int, k: Int, excluding: UnsafeBufferPointer<Int32>,
        indices: UnsafeMutablePointer<Int32>, values: UnsafeMutablePointer<Float>,
        addingBias bias: UnsafePointer<Float>? = nil
    ) -> (selected: Int, maximum: Float) {
        precondition(count <= capacity, "row longer than the scratch")
        let chunks = (count + Self.chunkWidth - 1) / Self.chunkWidth
        let maximum =
            bias.map {
                reductions.addBiasAndChunkMaxima(
                    scores, bias: $0, count: count, chunk: Self.chunkWidth, into: chunkMaxima)
            } ?? reductions.chunkMaxima(scores, count: count, chunk: Self.chunkWidth, into: chunkMaxima)
        let scores = UnsafePointer(scores)
        func wholeRow() -> (selected: Int, maximum: Float) {
            let selected = TopK.select(
                scores: scores, count: count, k: k, excluding: excluding, indices: indices, values: values)
            return (selected, maximum)
        }
        let needed = k + excluding.count
        guard k > 0, needed < chunks, maximum.isFinite else { return k > 0 ? wholeRow() : (0, maximum) }
        let threshold = Self.largest(needed, of: chunkMaxima, count: chunks)
        guard threshold.isFinite else { return wholeRow() }
        let candidates = reductions.gather(
            scores, count: count, atLeast: threshold, scores: candidateScores, items: candidateItems)
        // Positions of the excluded items among the candidates (both ascending).
        var excludedCount = 0
        var position = 0
        for item in excluding {
            while position < candidates && candidateItems[position] < item { position += 1 }
            if position < candidates && candidateItems[position] == item {
                candidateExcluded[excludedCount] = Int32(truncatingIfNeeded: position)
                excludedCount += 1
            }
        }
        guard candidates - excludedCount >= k else { return wholeRow() }
        let selected = TopK.select(
            scores: candidateScores, count: candidates, k: k,
            excluding: UnsafeBufferPointer(start: candidateExcluded, count: excludedCount), indices: indices,
            values: values)
        for rank in 0..<selected { indices[rank] = candidateItems[Int(indices[rank])] }
        return (selected, maximum)
    }

    /// The `rank`-th largest (1-based) of `values[0 ..< count]` by quickselect, reordering `values`.
    /// `values` holds no NaN.
    static func largest(_ rank: Int, of values: UnsafeMutablePointer<Float>, count: Int) -> Float {
        precondition(rank >= 1 && rank <= count)
        let target = rank - 1  // position in descending order
        var low = 0
        var high = count - 1
        while low < high {
            // Median of three as the pivot; partition descending (Hoare).
            let middle = low + (high - low) / 2
            let pivot = max(min(values[low], values[middle]), min(max(values[low], values[middle]), values[high]))
            var left = low
            var right = high
            while left <= right {
                while values[left] > pivot { left += 1 }
                while values[right] < pivot { right -= 1 }
                if left <= right {
                    let swapped = values[left]
                    values[left] = values[right]
                    values[right] = swapped
                    left += 1
                    right -= 1
                }
            }
            if target <= right {
                high = right
            } else if target >= left {
                low = left
            } else {
                return values[target]
            }
        }
        return values[target]
    }
}
