import ArgumentParser
import VAECFData

extension InteractionFormat: ExpressibleByArgument {}

/// How to read a delimited ratings file (`prepare`, `recommend --input`): the column names, the delimiter and
/// the rating threshold. One set of options and one check for every command that reads one.
struct InputColumnOptions: ParsableArguments {
    /// `--user-column`, `--item-column`, ...: one option per ``InteractionColumn``.
    @OptionGroup var names: ColumnNameOptions

    @Option(
        help: ArgumentHelp(
            "csv: the field delimiter, one character or 'tab' (default: found in the header: comma, tab or semicolon).",
            valueName: "character"),
        transform: InputColumnOptions.delimiterByte)
    var delimiter: UInt8?

    @Option(
        name: .customLong("rating-threshold"),
        help: "Keep ratings >= this value (when the input has ratings). (default: 3.5)")
    var ratingThreshold: Double?

    func validate() throws {
        if let ratingThreshold, !ratingThreshold.isFinite {
            throw ValidationError("--rating-threshold must be a finite number, got \(ratingThreshold)")
        }
    }

    /// The options given on the command line, by name (for commands that read no ratings file in some modes).
    var givenOptionNames: [String] {
        let options: [(String, Bool)] = [
            ("--delimiter", delimiter != nil), ("--rating-threshold", ratingThreshold != nil),
        ]
        return names.given + options.filter(\.1).map(\.0)
    }

    /// The reader's options for a file in `format` (`auto` means csv when a delimiter is given).
    func readerOptions(format: InteractionFormat, threadCount: Int) -> ReaderOptions {
        var options = ReaderOptions()
        options.format = format == .auto && delimiter != nil ? .csv : format
        options.columnNames = names.names
        options.delimiter = delimiter
        options.ratingThreshold = ratingThreshold ?? options.ratingThreshold
        options.threadCount = threadCount
        return options
    }

    /// `--delimiter`'s value as a byte: `tab` (or `\t`), or one printable ASCII character that is not a letter,
    /// a digit or a quote.
    static func delimiterByte(_ text: String) throws -> UInt8 {
        if text == "tab" || text == "\\t" || text == "\t" { return UInt8(ascii: "\t") }
        guard text.utf8.count == 1, let byte = text.utf8.first, (33..<127).contains(byte),
            !Character(text).isLetter, !Character(text).isNumber, text != "\"", text != "'"
        else {
            throw ValidationError("expected one character such as , ; | or the word tab")
        }
        return byte
    }
}
