/// Maps the global `uid`s of a pro_sg folder to blocks (train, validation, test) and to rows inside their
/// block (ascending `uid`), checking that no `uid` belongs to two blocks.
struct UserNumbering {
    /// The `uid`s of every block, ascending; row `r` of block `b` is user `blockUIDs[b][r]`.
    private(set) var blockUIDs: [[Int]]
    /// Row inside its block of every `uid` up to the largest one (-1 for unused `uid`s).
    private var rowOfUID: [Int32]

    /// The largest `uid` in use, if any.
    var largestUID: Int? { rowOfUID.isEmpty ? nil : rowOfUID.count - 1 }

    /// - Parameters:
    ///   - blocks: for every block, the `uid` columns of its files.
    ///   - files: the paths of the same files, for errors.
    /// - Throws: ``DataError`` naming the file and line where a `uid` of another block appears.
    init(blocks: [[[Int32]]], files: [[String]]) throws(DataError) {
        let largest = blocks.joined().map { $0.max().map(Int.init) ?? -1 }.max() ?? -1
        let pairCount = blocks.joined().reduce(0) { $0 + $1.count }
        guard largest < 4 * pairCount + 1_000_000 else {
            throw DataError.sparseUserIDs(file: files[0][0], largest: largest, pairs: pairCount)
        }
        var blockOfUID = [Int8](repeating: -1, count: largest + 1)
        var firstFile = [String](repeating: "", count: blocks.count)
        blockUIDs = []
        for (block, columns) in blocks.enumerated() {
            for (fileIndex, column) in columns.enumerated() {
                for (index, uid) in column.enumerated() {
                    let owner = blockOfUID[Int(uid)]
                    if owner == -1 {
                        blockOfUID[Int(uid)] = Int8(block)
                        if firstFile[block].isEmpty { firstFile[block] = files[block][fileIndex] }
                    } else if owner != Int8(block) {
                        throw DataError.duplicateUser(
                            file: files[block][fileIndex], line: index + 2, uid: Int(uid),
                            owner: firstFile[Int(owner)])
                    }
                }
            }
        }
        var rows = [Int32](repeating: -1, count: largest + 1)
        var uidsOfBlock = [[Int]](repeating: [], count: blocks.count)
        for uid in 0..<(largest + 1) where blockOfUID[uid] >= 0 {
            let block = Int(blockOfUID[uid])
            rows[uid] = Int32(uidsOfBlock[block].count)
            uidsOfBlock[block].append(uid)
        }
        blockUIDs = uidsOfBlock
        rowOfUID = rows
    }

    /// The row inside its block of every `uid` of `uids`: `[uids.count]`.
    func rows(of uids: [Int32]) -> [Int32] {
        uids.map { rowOfUID[Int($0)] }
    }
}
