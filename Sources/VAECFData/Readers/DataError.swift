/// A problem with an input file, e.g.
/// `ratings.csv:17: expected a number in column 'rating', found 'abc'`.
public struct DataError: Error, CustomStringConvertible, Equatable {
    /// Path of the file.
    public var file: String
    /// 1-based line number when the problem is at a line.
    public var line: Int?
    /// What was wrong and what was expected.
    public var message: String

    /// A problem in `file` (at `line` when known).
    public init(file: String, line: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`, or `file: message` without a line.
    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}
