import Foundation
import VAECFCore

/// The `pro_sg` folder of the original Mult-VAE code: `train.csv`, `validation_tr.csv`, `validation_te.csv`,
/// `test_tr.csv`, `test_te.csv` (header `uid,sid`), `unique_sid.txt` (line `k` = original id of item `k`)
/// and, optionally, `unique_uid.txt` (line `k` = original id of user `k`).
///
/// `uid`s are global: training users first, then the validation block, then the test block; a `_tr` and
/// its `_te` file share their users. Rows of every matrix follow ascending `uid`.
package enum ProSG {
    /// File names of the layout.
    package static let trainFile = "train.csv"
    package static let validationFoldInFile = "validation_tr.csv"
    package static let validationHeldOutFile = "validation_te.csv"
    package static let testFoldInFile = "test_tr.csv"
    package static let testHeldOutFile = "test_te.csv"
    package static let itemListFile = "unique_sid.txt"
    package static let userListFile = "unique_uid.txt"

    /// Reads a pro_sg folder. Item ids come from `unique_sid.txt`; user ids from `unique_uid.txt` when
    /// present, otherwise they are the `uid` numbers as text. Repeated pairs count once.
    /// - Throws: ``DataError`` with the file (and line) for a missing file, a bad header, a line that is not
    ///   two integers, a `sid` outside `unique_sid.txt`, a `uid` in two blocks or outside `unique_uid.txt`.
    package static func importFolder(
        _ url: URL, threadCount: Int = ParallelExecutor.defaultThreadCount
    ) throws(DataError) -> InteractionDataset {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw DataError.missingFolder(
                file: url.path, expected: "a pro_sg folder with \(trainFile), ..., \(itemListFile)")
        }
        let itemListURL = url.appendingPathComponent(itemListFile)
        let itemIDs = try PairFile.readLines(itemListURL)
        let userListURL = url.appendingPathComponent(userListFile)
        let userList =
            FileManager.default.fileExists(atPath: userListURL.path) ? try PairFile.readLines(userListURL) : nil

        let names = [trainFile, validationFoldInFile, validationHeldOutFile, testFoldInFile, testHeldOutFile]
        var files = [(uids: [Int32], sids: [Int32])]()
        for name in names {
            let fileURL = url.appendingPathComponent(name)
            let pairs = try PairFile.read(fileURL)
            if let bad = pairs.sids.firstIndex(where: { Int($0) >= itemIDs.count }) {
                throw DataError.itemOutOfRange(
                    file: fileURL.path, line: bad + 2, sid: Int(pairs.sids[bad]), itemCount: itemIDs.count,
                    listFile: itemListFile)
            }
            files.append(pairs)
        }
        let numbering = try UserNumbering(
            blocks: [[files[0].uids], [files[1].uids, files[2].uids], [files[3].uids, files[4].uids]],
            files: [[names[0]], [names[1], names[2]], [names[3], names[4]]].map {
                $0.map { url.appendingPathComponent($0).path }
            })
        if let userList, let largest = numbering.largestUID, largest >= userList.count {
            throw DataError.userListTooShort(file: userListURL.path, listed: userList.count, largestUID: largest)
        }
        func ids(_ block: Int) -> [String] {
            numbering.blockUIDs[block].map { userList?[$0] ?? String($0) }
        }
        let executor = ParallelExecutor(threadCount: max(1, threadCount))
        func matrix(_ file: Int, block: Int) -> CSRMatrix {
            CSRAssembly.build(
                rowCount: numbering.blockUIDs[block].count, columnCount: itemIDs.count,
                rows: numbering.rows(of: files[file].uids), columns: files[file].sids, executor: executor)
        }
        return InteractionDataset(
            itemIDs: itemIDs, trainUserIDs: ids(0), validationUserIDs: ids(1), testUserIDs: ids(2),
            train: matrix(0, block: 0), validationFoldIn: matrix(1, block: 1), validationHeldOut: matrix(2, block: 1),
            testFoldIn: matrix(3, block: 2), testHeldOut: matrix(4, block: 2),
            settings: [SettingKey.protocolName: "pro-sg-import", SettingKey.source: url.lastPathComponent])
    }

    /// Writes `dataset` as a pro_sg folder (created when missing), each file atomically. `uid`s number the
    /// training users `0 ..< train`, then the validation and the test users; `unique_uid.txt` lists their ids.
    /// - Throws: ``DataError`` when the folder cannot be created or written, or an id holds a line break.
    package static func export(_ dataset: InteractionDataset, to url: URL) throws(DataError) {
        for (list, name) in [
            (dataset.itemIDs, itemListFile),
            (dataset.trainUserIDs + dataset.validationUserIDs + dataset.testUserIDs, userListFile),
        ] {
            if let bad = list.firstIndex(where: { $0.contains(where: \.isNewline) || $0.isEmpty }) {
                throw DataError.unwritableIdentifier(
                    file: url.appendingPathComponent(name).path, line: bad + 1, identifier: list[bad])
            }
        }
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw DataError.cannotCreateFolder(file: url.path, what: "the folder", reason: FileProblem.describe(error))
        }
        let validationStart = dataset.trainUserIDs.count
        let testStart = validationStart + dataset.validationUserIDs.count
        let outputs: [(String, [UInt8])] = [
            (trainFile, pairBytes(dataset.train, firstUID: 0)),
            (validationFoldInFile, pairBytes(dataset.validationFoldIn, firstUID: validationStart)),
            (validationHeldOutFile, pairBytes(dataset.validationHeldOut, firstUID: validationStart)),
            (testFoldInFile, pairBytes(dataset.testFoldIn, firstUID: testStart)),
            (testHeldOutFile, pairBytes(dataset.testHeldOut, firstUID: testStart)),
            (itemListFile, lineBytes(dataset.itemIDs)),
            (userListFile, lineBytes(dataset.trainUserIDs + dataset.validationUserIDs + dataset.testUserIDs)),
        ]
        for (name, bytes) in outputs {
            let fileURL = url.appendingPathComponent(name)
            do { try AtomicFile.write(Data(bytes), to: fileURL) } catch {
                throw DataError.cannotWrite(file: fileURL.path, what: "the file", reason: error.reason)
            }
        }
    }

    /// `uid,sid` lines of `matrix`, row `r` written as uid `firstUID + r`.
    static func pairBytes(_ matrix: CSRMatrix, firstUID: Int) -> [UInt8] {
        var bytes = Array("uid,sid\n".utf8)
        bytes.reserveCapacity(8 + matrix.nonZeroCount * 12)
        for row in 0..<matrix.rowCount {
            let uid = firstUID + row
            for column in matrix.row(row) {
                PairFile.appendDecimal(uid, to: &bytes)
                bytes.append(UInt8(ascii: ","))
                PairFile.appendDecimal(Int(column), to: &bytes)
                bytes.append(UInt8(ascii: "\n"))
            }
        }
        return bytes
    }

    /// One id per line.
    static func lineBytes(_ ids: [String]) -> [UInt8] {
        var bytes = [UInt8]()
        for id in ids {
            bytes.append(contentsOf: id.utf8)
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }
}
