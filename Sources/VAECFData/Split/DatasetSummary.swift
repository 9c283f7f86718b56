import Foundation
import VAECFCore

extension InteractionDataset {
    /// The five matrices with their display names, in file order.
    package var namedMatrices: [(name: String, matrix: CSRMatrix)] {
        [
            ("train", train),
            ("validation fold-in", validationFoldIn), ("validation held-out", validationHeldOut),
            ("test fold-in", testFoldIn), ("test held-out", testHeldOut),
        ]
    }

    /// Total number of interactions over all five matrices.
    package var interactionCount: Int {
        namedMatrices.reduce(0) { $0 + $1.matrix.nonZeroCount }
    }

    /// A table of the splits: users (rows), items seen, interactions and density of every matrix, e.g.
    ///
    ///     split                    users    items  interactions   density
    ///     train                      738    1,404        44,138   4.2597%
    package func summaryLines() -> [String] {
        var lines = [
            pad("split", 21) + pad("users", 10, left: true) + pad("items", 10, left: true)
                + pad("interactions", 15, left: true) + pad("density", 11, left: true)
        ]
        for (name, matrix) in namedMatrices {
            let itemsSeen = matrix.columnCounts().reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
            lines.append(
                pad(name, 21) + pad(Self.grouped(matrix.rowCount), 10, left: true)
                    + pad(Self.grouped(itemsSeen), 10, left: true)
                    + pad(Self.grouped(matrix.nonZeroCount), 15, left: true)
                    + pad(String(format: "%.4f%%", matrix.density * 100), 11, left: true))
        }
        let userCount = trainUserIDs.count + validationUserIDs.count + testUserIDs.count
        lines.append(
            "\(Self.grouped(userCount)) users, \(Self.grouped(itemCount)) items, "
                + "\(Self.grouped(interactionCount)) interactions")
        return lines
    }

    /// `1234567` as `1,234,567` (thousands separated by commas).
    package static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return value < 0 ? "-" + result : result
    }

    private func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return left ? padding + text : text + padding
    }
}
