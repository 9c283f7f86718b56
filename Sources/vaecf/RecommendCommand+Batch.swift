import Foundation
import VAECF
import VAECFCore
import VAECFData

extension RecommendCommand {
    /// Batch mode: every user of `input`, `batchSize` users per forward pass, streamed to the output.
    func recommendFile(_ recommender: Recommender, input: URL, excluded: [String]) throws {
        var options = ReaderOptions()
        options.format = InteractionFormat(rawValue: inputFormat) ?? .auto
        options.columnNames = columns.names
        options.ratingThreshold = ratingThreshold
        options.threadCount = compute.threadCount
        let start = Date()
        let histories = UserHistories(table: try InteractionReader.read(input, options: options))
        let outputFormat = format ?? output.flatMap { RecommendationFileFormat.inferred(fromPath: $0.path) } ?? .csv
        printError("read \(histories.count) users, \(histories.interactionCount) interactions from \(input.path)")
        var usersWithUnknown = 0
        var unknownIDs = Set<String>()
        /// Writes every batch through `emit`.
        func produce(_ emit: (Data) throws -> Void) throws {
            if let header = outputFormat.header { try emit(Data(header.utf8)) }
            var first = 0
            while first < histories.count {
                let users = first..<min(histories.count, first + batchSize)
                let queries = users.map {
                    RecommendationQuery(items: histories.items(ofUser: $0), count: k, exclude: excluded)
                }
                let results = recommender.recommend(queries)
                var text = ""
                for (user, result) in zip(users, results) {
                    if !result.unknown.isEmpty {
                        usersWithUnknown += 1
                        unknownIDs.formUnion(result.unknown)
                    }
                    text += outputFormat.lines(user: histories.userIDs[user], result: result)
                }
                try emit(Data(text.utf8))
                first = users.upperBound
                if standardErrorIsTerminal {
                    FileHandle.standardError.write(Data("\rrecommend: \(first)/\(histories.count) users".utf8))
                }
            }
            if standardErrorIsTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
        }
        if let output {
            try AtomicFile.write(to: output) { handle throws(AtomicFileError) in
                do {
                    try produce { try handle.write(contentsOf: $0) }
                } catch let error as AtomicFileError {
                    throw error
                } catch {
                    throw AtomicFileError(path: output.path, reason: error.localizedDescription)
                }
            }
        } else {
            try produce { FileHandle.standardOutput.write($0) }
        }
        if usersWithUnknown > 0 {
            let examples = unknownIDs.sorted().prefix(5).joined(separator: ", ")
            printError(
                "warning: \(usersWithUnknown) user\(usersWithUnknown == 1 ? "" : "s") had items the model does not know (\(unknownIDs.count) distinct ids, e.g. \(examples)); they were ignored"
            )
        }
        let destination = output?.path ?? "standard output"
        printError(
            "wrote top \(k) for \(histories.count) users to \(destination) as \(outputFormat.rawValue) in \(formatDuration(Date().timeIntervalSince(start)))"
        )
    }
}
