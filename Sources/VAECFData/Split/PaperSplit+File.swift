import Foundation

extension PaperSplit {
    /// ``split(_:settings:source:threadCount:)`` of `table`, read from the interaction file `file` with `options`;
    /// the dataset's settings record the file's name, its format and the rating threshold.
    package static func split(
        _ table: InteractionTable, readFrom file: URL, options: ReaderOptions, settings: SplitSettings,
        threadCount: Int
    ) throws(DataError) -> InteractionDataset {
        var dataset = try split(table, settings: settings, source: file.path, threadCount: threadCount)
        dataset.settings[SettingKey.source] = file.lastPathComponent
        dataset.settings[SettingKey.format] = options.format.rawValue
        dataset.settings[SettingKey.ratingThreshold] = String(options.ratingThreshold)
        return dataset
    }
}
