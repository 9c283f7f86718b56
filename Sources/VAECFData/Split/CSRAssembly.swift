import VAECFCore

/// Builds ``CSRMatrix`` values from unordered (row, column) entries in linear time: a counting sort
/// by row, then a sort and de-duplication inside every row, rows spread over the cores.
enum CSRAssembly {
    /// The matrix `[rowCount, columnCount]` holding every entry `(rows[k], columns[k])` once.
    /// The caller guarantees `0 <= rows[k] < rowCount` and `0 <= columns[k] < columnCount`.
    static func build(
        rowCount: Int, columnCount: Int, rows: [Int32], columns: [Int32], executor: ParallelExecutor
    ) -> CSRMatrix {
        let (offsets, indices) = groupingByRow(rowCount: rowCount, rows: rows, columns: columns)
        return sortingRows(
            rowCount: rowCount, columnCount: columnCount, offsets: offsets, indices: indices, executor: executor)
    }

    /// A stable counting sort of the entries `(rows[k], columns[k])` by row: `indices[offsets[r] ..< offsets[r + 1]]`
    /// are the columns of row `r`, in entry order. The caller guarantees `0 <= rows[k] < rowCount`.
    static func groupingByRow(rowCount: Int, rows: [Int32], columns: [Int32]) -> (offsets: [Int], indices: [Int32]) {
        precondition(rows.count == columns.count, "rows and columns differ in length")
        var offsets = [Int](repeating: 0, count: rowCount + 1)
        var indices = [Int32](repeating: 0, count: rows.count)
        rows.withUnsafeBufferPointer { rowBuffer in
            columns.withUnsafeBufferPointer { columnBuffer in
                offsets.withUnsafeMutableBufferPointer { offsets in
                    for row in rowBuffer { offsets[Int(row) + 1] += 1 }
                    for row in 0..<rowCount { offsets[row + 1] += offsets[row] }
                    var cursor = Array(offsets[0..<rowCount])
                    indices.withUnsafeMutableBufferPointer { indexBuffer in
                        cursor.withUnsafeMutableBufferPointer { cursorBuffer in
                            for entry in 0..<rowBuffer.count {
                                let row = Int(rowBuffer[entry])
                                indexBuffer[cursorBuffer[row]] = columnBuffer[entry]
                                cursorBuffer[row] += 1
                            }
                        }
                    }
                }
            }
        }
        return (offsets, indices)
    }

    /// The matrix whose row `r` holds the distinct values of `indices[offsets[r] ..< offsets[r + 1]]`,
    /// sorted ascending.
    static func sortingRows(
        rowCount: Int, columnCount: Int, offsets: [Int], indices: [Int32], executor: ParallelExecutor
    ) -> CSRMatrix {
        var indices = indices
        var distinct = [Int](repeating: 0, count: rowCount)
        offsets.withUnsafeBufferPointer { offsetBuffer in
            indices.withUnsafeMutableBufferPointer { indexBuffer in
                distinct.withUnsafeMutableBufferPointer { distinctBuffer in
                    executor.forEachChunk(count: rowCount, minimumChunk: 256) { _, rows in
                        for row in rows {
                            let segment = UnsafeMutableBufferPointer(
                                rebasing: indexBuffer[offsetBuffer[row]..<offsetBuffer[row + 1]])
                            distinctBuffer[row] = sortAndDeduplicate(segment)
                        }
                    }
                }
            }
        }
        let total = distinct.reduce(0, +)
        if total == indices.count {
            return CSRMatrix(unchecked: rowCount, columnCount: columnCount, rowOffsets: offsets, columnIndices: indices)
        }
        // Duplicates were found: move every row's distinct prefix down (never overlapping forward).
        var compactOffsets = [Int](repeating: 0, count: rowCount + 1)
        indices.withUnsafeMutableBufferPointer { indexBuffer in
            var write = 0
            for row in 0..<rowCount {
                let start = offsets[row]
                let count = distinct[row]
                if write != start, count > 0 {
                    (indexBuffer.baseAddress! + write).update(from: indexBuffer.baseAddress! + start, count: count)
                }
                write += count
                compactOffsets[row + 1] = write
            }
        }
        indices.removeLast(indices.count - total)
        return CSRMatrix(
            unchecked: rowCount, columnCount: columnCount, rowOffsets: compactOffsets, columnIndices: indices)
    }

    /// Sorts `values` ascending, moves the distinct values to the front and returns their number.
    @inline(__always)
    static func sortAndDeduplicate(_ values: UnsafeMutableBufferPointer<Int32>) -> Int {
        guard values.count > 1 else { return values.count }
        var values = values
        values.sort()
        var write = 1
        for read in 1..<values.count where values[read] != values[write - 1] {
            values[write] = values[read]
            write += 1
        }
        return write
    }
}
