import Foundation
import VAECF
import VAECFCore
import VAECFData

/// The seed corpus: small valid inputs of every target, a few hundred bytes each (`vaecf-fuzz seeds`).
enum SeedCorpus {
    static func write(to folder: URL) throws {
        for (target, inputs) in [
            (FuzzTarget.dataset, datasets()), (.model, try models()), (.reader, readerInputs()), (.request, requests()),
        ] {
            let subfolder = folder.appendingPathComponent(target.rawValue)
            try FileManager.default.createDirectory(at: subfolder, withIntermediateDirectories: true)
            for (name, bytes) in inputs {
                try Data(bytes).write(to: subfolder.appendingPathComponent("seed-\(name)"))
            }
        }
    }

    static func datasets() -> [(String, [UInt8])] {
        let items = ["i1", "i2", "Amélie ✓", "i4", "i5"]
        let rows: [[Int32]] = [[0, 2], [1, 3, 4], [0]]
        var dataset = InteractionDataset(
            itemIDs: items, trainUserIDs: ["u1", "u2"], validationUserIDs: ["u3"], testUserIDs: ["u4"],
            train: CSRMatrix(columnCount: 5, rows: Array(rows[0...1])),
            validationFoldIn: CSRMatrix(columnCount: 5, rows: [[1]]),
            validationHeldOut: CSRMatrix(columnCount: 5, rows: [[3]]),
            testFoldIn: CSRMatrix(columnCount: 5, rows: [[0, 4]]), testHeldOut: CSRMatrix(columnCount: 5, rows: [[2]]),
            settings: ["source": "seed.csv"])
        let small = DatasetFile.encode(dataset)
        dataset.settings = [:]
        dataset.testHeldOut = CSRMatrix(columnCount: 5, rows: [[]])
        return [("small", small), ("no-settings", DatasetFile.encode(dataset))]
    }

    static func models() throws -> [(String, [UInt8])] {
        let configuration = MultVAEConfiguration(itemCount: 6, encoderDimensions: [3, 2], activation: .tanh)
        let network = MultVAE(configuration: configuration, seed: 1)
        let header = ModelFile.Header(
            kind: .model, model: configuration, training: nil, itemIDs: (0..<6).map { "item\($0)" },
            datasetFingerprint: "0123456789abcdef", epoch: 2, step: 4, bestEpoch: 1, validation: nil,
            backend: "portable", threads: 1)
        let model = ModelFile(header: header, parameters: network.parameters.array, optimizer: nil, bestParameters: nil)
        var checkpointHeader = header
        checkpointHeader.kind = .checkpoint
        let zeros = [Float](repeating: 0, count: network.parameters.count)
        let checkpoint = ModelFile(
            header: checkpointHeader, parameters: zeros, optimizer: .init(firstMoments: zeros, secondMoments: zeros),
            bestParameters: network.parameters.array)
        var withUsers = model
        withUsers.trainingUsers = try TrainingUsers(
            userIDs: ["u1", "u2", "u3"], rows: CSRMatrix(columnCount: 6, rows: [[0, 2], [], [1, 3, 5]]))
        var files = [(String, [UInt8])]()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vaecf-seeds-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, file) in [("model", model), ("checkpoint", checkpoint), ("model-users", withUsers)] {
            let url = folder.appendingPathComponent(name)
            try file.write(to: url)
            files.append((name, Array(try Data(contentsOf: url))))
        }
        return files
    }

    /// The first byte picks the format (index into ``InteractionFormat/allCases``), threads and rating column.
    static func readerInputs() -> [(String, [UInt8])] {
        [
            ("auto", [0] + Array("userId,movieId,rating,timestamp\n1,10,4.0,0\n1,11,5,0\n2,10,3.5,1\n".utf8)),
            ("movielens-20m", [1 | 0x80] + Array("userId,movieId,rating,timestamp\r\n1,10,4.0,0\r\n2,12,2,9\r\n".utf8)),
            ("movielens-1m", [2] + Array("1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::1\n".utf8)),
            (
                "movielens-100k",
                [3 | 0x80] + Array("196\t242\t3\t881250949\n186\t302\t3\t891717742\n196\t302\t5\t1\n".utf8)
            ),
            ("csv", [4 | 0x40] + Array("\u{FEFF}user;item;rating\n\"a;b\";\"x \"\"q\"\"\";4\nc;y;5\n\n".utf8)),
            ("csv-quoted", [4] + Array("uid,sid\n\"u\n1\",i1\nu2,\"i,2\"\n".utf8)),
        ]
    }

    static func requests() -> [(String, [UInt8])] {
        [
            ("single", Array(#"{"items":["item1","item2"],"k":5,"exclude":["item3"]}"#.utf8)),
            ("batch", Array(#"{"users":[{"items":["a"]},{"items":[],"k":50},{"items":["b","c"],"exclude":[]}]}"#.utf8)),
            ("unicode", Array(#"{"items":["Am\u00e9lie","\ud83d\ude00"],"k":1e0}"#.utf8)),
        ]
    }
}
