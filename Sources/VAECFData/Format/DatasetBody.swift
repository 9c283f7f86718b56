import VAECFCore

/// The content part of a dataset file (everything but the settings): a shape block, the four id lists and
/// the five matrices, each array aligned to 8 bytes. Its bytes define the dataset ``InteractionDataset/fingerprint``.
///
/// Layout (little-endian):
/// - shape, 13 x UInt64: item count; train, validation, test user counts; UTF-8 byte counts of the item,
///   train, validation and test id lists; entry counts of train, validation fold-in / held-out,
///   test fold-in / held-out.
/// - for each id list (items, train users, validation users, test users): UInt32 byte length of every id,
///   padding, then the concatenated UTF-8 ids, padding.
/// - for each matrix in that order: `rowCount + 1` Int64 row offsets, then the Int32 column indices, padding.
enum DatasetBody {
    static let shapeWords = 13

    /// Appends the body of `dataset` to `writer` (which must be 8-aligned).
    static func append(_ dataset: InteractionDataset, to writer: inout ByteWriter) {
        precondition(MemoryLayout<Int>.size == 8, "the dataset format needs 64-bit Int")
        let idLists = [dataset.itemIDs, dataset.trainUserIDs, dataset.validationUserIDs, dataset.testUserIDs]
        let matrices = dataset.namedMatrices.map(\.matrix)
        let byteCounts = idLists.map { list in list.reduce(0) { $0 + $1.utf8.count } }
        var shape = [dataset.itemCount] + idLists[1...].map(\.count) + byteCounts
        shape += matrices.map(\.nonZeroCount)
        for word in shape { writer.append(UInt64(word)) }
        for list in idLists {
            writer.append(
                array: list.map { id -> UInt32 in
                    precondition(id.utf8.count <= Int(UInt32.max), "an id longer than 4 GiB")
                    return UInt32(id.utf8.count)
                })
            writer.alignTo8()
            for id in list { writer.append(bytes: id.utf8) }
            writer.alignTo8()
        }
        for matrix in matrices {
            writer.append(array: matrix.rowOffsets)
            writer.append(array: matrix.columnIndices)
            writer.alignTo8()
        }
    }

    /// The sum of `lengths`, or `nil` as soon as it exceeds `limit` (so it never overflows).
    static func byteTotal(_ lengths: [UInt32], limit: Int) -> Int? {
        var total = 0
        for length in lengths {
            total += Int(length)
            if total > limit { return nil }
        }
        return total
    }

    /// Reads a body written by ``append(_:to:)``; the settings of the result are empty.
    /// - Throws: ``DataError`` for sizes that do not fit the data or matrices that break the CSR invariants.
    static func parse(_ reader: inout ByteReader, file: String) throws(DataError) -> InteractionDataset {
        var shape = [Int]()
        for _ in 0..<shapeWords {
            let word = try reader.readUInt64(what: "shape block")
            guard word <= UInt64(Int32.max) * 8 else {
                throw DataError.corrupted(file: file, reason: "impossible size \(word) in the shape block")
            }
            shape.append(Int(word))
        }
        let itemCount = shape[0]
        let listCounts = [itemCount, shape[1], shape[2], shape[3]]
        let listNames = ["item ids", "training user ids", "validation user ids", "test user ids"]
        var lists = [[String]]()
        for index in 0..<4 {
            let lengths = try reader.readArray(
                UInt32.self, count: listCounts[index], what: "lengths of the \(listNames[index])")
            try reader.alignTo8()
            guard let total = byteTotal(lengths, limit: shape[4 + index]), total == shape[4 + index] else {
                throw DataError.corrupted(
                    file: file,
                    reason: "the lengths of the \(listNames[index]) do not add up to the \(shape[4 + index]) bytes "
                        + "of the shape block")
            }
            let blob = try reader.take(total, what: listNames[index])
            var ids = [String]()
            ids.reserveCapacity(lengths.count)
            var start = 0
            for length in lengths {
                let end = start + Int(length)
                ids.append(String(decoding: UnsafeRawBufferPointer(rebasing: blob[start..<end]), as: UTF8.self))
                start = end
            }
            lists.append(ids)
            try reader.alignTo8()
        }
        let rowCounts = [shape[1], shape[2], shape[2], shape[3], shape[3]]
        let names = ["train", "validation fold-in", "validation held-out", "test fold-in", "test held-out"]
        var matrices = [CSRMatrix]()
        for index in 0..<5 {
            let offsets = try reader.readArray(
                Int.self, count: rowCounts[index] + 1, what: "\(names[index]) row offsets")
            let columns = try reader.readArray(
                Int32.self, count: shape[8 + index], what: "\(names[index]) column indices")
            try reader.alignTo8()
            do {
                matrices.append(
                    try CSRMatrix(
                        rowCount: rowCounts[index], columnCount: itemCount, rowOffsets: offsets, columnIndices: columns)
                )
            } catch {
                throw DataError.inconsistentMatrix(file: file, matrix: names[index], reason: "\(error)")
            }
        }
        return InteractionDataset(
            itemIDs: lists[0], trainUserIDs: lists[1], validationUserIDs: lists[2], testUserIDs: lists[3],
            train: matrices[0], validationFoldIn: matrices[1], validationHeldOut: matrices[2],
            testFoldIn: matrices[3], testHeldOut: matrices[4], settings: [:])
    }
}
