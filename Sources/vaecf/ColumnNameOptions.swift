import ArgumentParser
import VAECFData

/// `--user-column`, `--item-column`, `--rating-column`: the header names of the columns of a csv input, one
/// option per ``InteractionColumn`` (a new column adds its option here).
struct ColumnNameOptions: ParsableArguments {
    @Option(name: .customLong("user-column"), help: "csv input: name of the user column.")
    var user: String?

    @Option(name: .customLong("item-column"), help: "csv input: name of the item column.")
    var item: String?

    @Option(name: .customLong("rating-column"), help: "csv input: name of the rating column.")
    var rating: String?

    /// The name given for `column`, if any.
    func name(of column: InteractionColumn) -> String? {
        switch column {
        case .user: return user
        case .item: return item
        case .rating: return rating
        }
    }

    /// The names given, by column (for ``ReaderOptions/columnNames``).
    var names: [InteractionColumn: String] {
        var names = [InteractionColumn: String]()
        for column in InteractionColumn.allCases { names[column] = name(of: column) }
        return names
    }

    /// The options given, as written on the command line (e.g. `--user-column`).
    var given: [String] { InteractionColumn.allCases.filter { name(of: $0) != nil }.map { "--\($0.name)-column" } }
}
