/// Top-K selection over one row of scores, with excluded items.
///
/// Ranking order: a higher score ranks first; equal scores rank by the lower item index first, so the
/// result is deterministic. A NaN score counts as `-infinity` (and is reported as `-infinity`).
/// The selection keeps a bounded min-heap of the `k` best items seen so far (worst at the root); once it is
/// full, a score enters only when it beats the root, so most items cost one comparison:
/// `O(count + m log k)` for `m` heap replacements (about `k ln(count / k)` for scores in random order),
/// with no full sort and no allocation.
package enum TopK {
    /// Selects the `k` highest scores of `scores[0 ..< count]`, best first, skipping `excluding`.
    ///
    /// - Parameters:
    ///   - scores: one row of scores, `[count]`.
    ///   - count: number of items in the row.
    ///   - k: how many items to select; `0` selects nothing.
    ///   - excluding: item indices that must not be selected, sorted ascending without duplicates, each in
    ///     `0 ..< count` (for example a user's fold-in items, a row slice of a ``CSRMatrix``); `nil` for none.
    ///   - indices: receives the selected item indices, best first: `[k]` (caller-owned).
    ///   - values: receives their scores, `[k]` (caller-owned).
    /// - Returns: the number of items selected, `min(k, count - excluding.count)`; only that many entries of
    ///   `indices` and `values` are written.
    package static func select(
        scores: UnsafePointer<Float>, count: Int, k: Int, excluding: UnsafeBufferPointer<Int32>?,
        indices: UnsafeMutablePointer<Int32>, values: UnsafeMutablePointer<Float>
    ) -> Int {
        precondition(
            count >= 0 && k >= 0 && count <= Int(Int32.max), "count must be in 0 ... Int32.max and k not negative")
        guard k > 0, count > 0 else { return 0 }
        var heap = BoundedHeap(indices: indices, values: values, capacity: k)
        var start = 0
        if let excluding {
            for item in excluding {
                let end = Int(item)
                precondition(end >= start && end < count, "excluded items must be ascending, unique and in range")
                heap.scan(scores, from: start, to: end)
                start = end + 1
            }
        }
        heap.scan(scores, from: start, to: count)
        heap.sortBestFirst()
        return heap.size
    }
}

/// A min-heap of at most `capacity` (item, score) pairs whose root is the worst pair kept, stored in the
/// caller's `indices` / `values` buffers.
private struct BoundedHeap {
    let indices: UnsafeMutablePointer<Int32>
    let values: UnsafeMutablePointer<Float>
    let capacity: Int
    private(set) var size = 0

    init(indices: UnsafeMutablePointer<Int32>, values: UnsafeMutablePointer<Float>, capacity: Int) {
        self.indices = indices
        self.values = values
        self.capacity = capacity
    }

    /// Whether `(scoreA, itemA)` ranks below `(scoreB, itemB)`: a lower score, or an equal score and a higher
    /// index. Scores in the heap are never NaN.
    @inline(__always)
    private static func isWorse(_ scoreA: Float, _ itemA: Int32, than scoreB: Float, _ itemB: Int32) -> Bool {
        scoreA < scoreB || (scoreA == scoreB && itemA > itemB)
    }

    /// Offers every item of `from ..< to`, which must come after every item offered before.
    ///
    /// Because items arrive in ascending index order, a new item ties with the root only at a higher index,
    /// so once the heap is full it enters only with a strictly greater score.
    @inline(__always)
    mutating func scan(_ scores: UnsafePointer<Float>, from start: Int, to end: Int) {
        var item = start
        while item < end && size < capacity {
            let score = scores[item]
            push(Int32(truncatingIfNeeded: item), score.isNaN ? -Float.infinity : score)
            item += 1
        }
        guard item < end else { return }
        var threshold = values[0]
        while item < end {
            let score = scores[item]
            if score > threshold {
                replaceRoot(Int32(truncatingIfNeeded: item), score)
                threshold = values[0]
            }
            item += 1
        }
    }

    private mutating func push(_ item: Int32, _ score: Float) {
        var hole = size
        size += 1
        while hole > 0 {
            let parent = (hole - 1) / 2
            guard Self.isWorse(score, item, than: values[parent], indices[parent]) else { break }
            indices[hole] = indices[parent]
            values[hole] = values[parent]
            hole = parent
        }
        indices[hole] = item
        values[hole] = score
    }

    @inline(__always)
    private func replaceRoot(_ item: Int32, _ score: Float) {
        siftDown(item, score, from: 0, size: size)
    }

    /// Places `(item, score)` at `start` or below it, moving worse children up: the heap property is restored
    /// over `0 ..< size` when only position `start` was out of place.
    @inline(__always)
    private func siftDown(_ item: Int32, _ score: Float, from start: Int, size: Int) {
        var hole = start
        while true {
            let left = 2 * hole + 1
            guard left < size else { break }
            let right = left + 1
            var worst = left
            if right < size && Self.isWorse(values[right], indices[right], than: values[left], indices[left]) {
                worst = right
            }
            guard Self.isWorse(values[worst], indices[worst], than: score, item) else { break }
            indices[hole] = indices[worst]
            values[hole] = values[worst]
            hole = worst
        }
        indices[hole] = item
        values[hole] = score
    }

    /// Heap sort in place: repeatedly moves the worst entry to the end, leaving the buffers best first.
    func sortBestFirst() {
        var end = size
        while end > 1 {
            end -= 1
            let item = indices[end]
            let score = values[end]
            indices[end] = indices[0]
            values[end] = values[0]
            siftDown(item, score, from: 0, size: end)
        }
    }
}
