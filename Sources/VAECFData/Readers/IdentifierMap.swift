/// An original id as read from a file: a canonical non-negative decimal integer, or any other text.
///
/// A number is stored only when its decimal text is canonical (no sign, no leading zero, at most 18
/// digits), so `.number(v)` and `.text(s)` never stand for the same original id and
/// `String(v)` gives back the exact original text.
enum IdentifierKey: Hashable, Sendable {
    case number(Int64)
    case text(String)

    /// The original id text.
    var string: String {
        switch self {
        case .number(let value): return String(value)
        case .text(let text): return text
        }
    }
}

/// Maps ids to dense indices `0, 1, 2, ...` in order of first insertion.
///
/// Small integer ids (the common case: MovieLens user and movie ids) go through a directly indexed
/// table, larger integers through an `Int64` dictionary, and anything else through a `String` dictionary.
struct IdentifierMap {
    /// Ids in order of first insertion: `keys[index]` is the id with that index.
    private(set) var keys: [IdentifierKey] = []
    /// `direct[value]` = index of the number `value`, or -1; covers `0 ..< direct.count`.
    private var direct: [Int32] = []
    private var numbers: [Int64: Int32] = [:]
    private var texts: [String: Int32] = [:]

    /// Numbers below this bound use the direct table (at most 16 MiB per map).
    static let directLimit: Int64 = 1 << 22

    init() {}

    /// Number of distinct ids.
    var count: Int { keys.count }

    /// The index of the integer id `value` (canonical, `>= 0`), adding it when new.
    @inline(__always)
    mutating func index(ofNumber value: Int64) -> Int32 {
        if value < Int64(direct.count) {
            let found = direct[Int(value)]
            if found >= 0 { return found }
            let index = Int32(keys.count)
            direct[Int(value)] = index
            keys.append(.number(value))
            return index
        }
        return indexOutsideTable(ofNumber: value)
    }

    /// The index of the text id `text` (anything that is not a canonical integer), adding it when new.
    mutating func index(ofText text: String) -> Int32 {
        if let found = texts[text] { return found }
        let index = Int32(keys.count)
        texts[text] = index
        keys.append(.text(text))
        return index
    }

    /// The index of `key`, adding it when new.
    mutating func index(of key: IdentifierKey) -> Int32 {
        switch key {
        case .number(let value): return index(ofNumber: value)
        case .text(let text): return index(ofText: text)
        }
    }

    private mutating func indexOutsideTable(ofNumber value: Int64) -> Int32 {
        if value < Self.directLimit {
            let newCount = Int(min(Self.directLimit, max(value + 1, Int64(direct.count) * 2, 1024)))
            direct.append(contentsOf: repeatElement(-1, count: newCount - direct.count))
            return index(ofNumber: value)
        }
        if let found = numbers[value] { return found }
        let index = Int32(keys.count)
        numbers[value] = index
        keys.append(.number(value))
        return index
    }
}
