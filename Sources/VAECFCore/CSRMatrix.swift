import Foundation

/// A binary sparse matrix in compressed sparse row (CSR) form: `[rowCount, columnCount]`.
///
/// Row `r` holds the column indices `columnIndices[rowOffsets[r] ..< rowOffsets[r + 1]]`, sorted ascending
/// and without duplicates. Every stored entry has the value 1 (an interaction), so no values are kept.
/// This is the users x items matrix of every split.
package struct CSRMatrix: Sendable, Equatable {
    /// Number of rows (users).
    package let rowCount: Int
    /// Number of columns (items).
    package let columnCount: Int
    /// `rowCount + 1` offsets into `columnIndices`; `rowOffsets[0] == 0`, `rowOffsets[rowCount] == nonZeroCount`.
    package let rowOffsets: [Int]
    /// Column index of every stored entry, row by row, ascending within a row.
    package let columnIndices: [Int32]

    /// Creates a matrix from its parts, checking every invariant.
    /// - Throws: ``CSRMatrixError`` when offsets or indices are inconsistent.
    package init(rowCount: Int, columnCount: Int, rowOffsets: [Int], columnIndices: [Int32]) throws(CSRMatrixError) {
        guard rowCount >= 0, columnCount >= 0, columnCount <= Int(Int32.max) else {
            throw .impossibleDimensions(rows: rowCount, columns: columnCount)
        }
        guard rowOffsets.count == rowCount + 1, rowOffsets.first == 0, rowOffsets.last == columnIndices.count else {
            throw .offsetCountMismatch(rows: rowCount, entries: columnIndices.count)
        }
        for row in 0..<rowCount {
            let start = rowOffsets[row]
            let end = rowOffsets[row + 1]
            guard start <= end, end <= columnIndices.count else {
                throw .badRowOffsets(row: row, entries: columnIndices.count)
            }
            var previous: Int32 = -1
            for position in start..<end {
                let column = columnIndices[position]
                guard column > previous, Int(column) < columnCount else {
                    throw .badColumn(row: row, column: column)
                }
                previous = column
            }
        }
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.rowOffsets = rowOffsets
        self.columnIndices = columnIndices
    }

    /// Creates a matrix without checking invariants. The caller guarantees them.
    package init(unchecked rowCount: Int, columnCount: Int, rowOffsets: [Int], columnIndices: [Int32]) {
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.rowOffsets = rowOffsets
        self.columnIndices = columnIndices
    }

    /// Builds a matrix from rows of column indices; each row is sorted and deduplicated.
    package init(columnCount: Int, rows: [[Int32]]) {
        var offsets = [Int]()
        offsets.reserveCapacity(rows.count + 1)
        offsets.append(0)
        var indices = [Int32]()
        indices.reserveCapacity(rows.reduce(0) { $0 + $1.count })
        for row in rows {
            var sorted = row.sorted()
            var write = 0
            for value in sorted where write == 0 || sorted[write - 1] != value {
                precondition(value >= 0 && Int(value) < columnCount, "column \(value) out of range 0..<\(columnCount)")
                sorted[write] = value
                write += 1
            }
            indices.append(contentsOf: sorted[0..<write])
            offsets.append(indices.count)
        }
        self.init(unchecked: rows.count, columnCount: columnCount, rowOffsets: offsets, columnIndices: indices)
    }

    /// An empty matrix with no rows.
    package static func empty(columnCount: Int) -> CSRMatrix {
        CSRMatrix(unchecked: 0, columnCount: columnCount, rowOffsets: [0], columnIndices: [])
    }

    /// Number of stored entries (interactions).
    package var nonZeroCount: Int { columnIndices.count }

    /// Fraction of cells that hold an entry; 0 for an empty matrix.
    package var density: Double {
        rowCount == 0 || columnCount == 0 ? 0 : Double(nonZeroCount) / (Double(rowCount) * Double(columnCount))
    }

    /// Number of entries in row `row`.
    @inlinable package func count(ofRow row: Int) -> Int { rowOffsets[row + 1] - rowOffsets[row] }

    /// Column indices of row `row`.
    @inlinable package func row(_ row: Int) -> ArraySlice<Int32> {
        columnIndices[rowOffsets[row]..<rowOffsets[row + 1]]
    }

    /// Number of entries in every column: `[columnCount]`.
    package func columnCounts() -> [Int] {
        var counts = [Int](repeating: 0, count: columnCount)
        for column in columnIndices { counts[Int(column)] += 1 }
        return counts
    }
}

/// An inconsistent ``CSRMatrix``.
package enum CSRMatrixError: Error, Equatable, LocalizedError, CustomStringConvertible {
    /// Negative dimensions, or more columns than 32-bit indices address.
    case impossibleDimensions(rows: Int, columns: Int)
    /// The offsets are not `rows + 1` values from 0 to the entry count.
    case offsetCountMismatch(rows: Int, entries: Int)
    /// `row`'s offsets decrease or point past the entries.
    case badRowOffsets(row: Int, entries: Int)
    /// `row` holds `column` out of order, twice or out of range.
    case badColumn(row: Int, column: Int32)

    /// The text for logs, messages and errors.
    package var description: String {
        let problem =
            switch self {
            case .impossibleDimensions(let rows, let columns): "negative or too large dimensions \(rows) x \(columns)"
            case .offsetCountMismatch(let rows, let entries):
                "row offsets do not describe \(rows) rows over \(entries) entries"
            case .badRowOffsets(let row, let entries):
                "row \(row) has decreasing offsets or offsets past the \(entries) entries"
            case .badColumn(let row, let column):
                "row \(row) has an unsorted, duplicate or out-of-range column \(column)"
            }
        return "invalid sparse matrix: \(problem)"
    }

    /// The same text as `description`.
    package var errorDescription: String? { description }
}
