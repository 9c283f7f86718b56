/// Collects the kept rows of one chunk of a file: ids mapped to chunk-local indices in order of first
/// appearance inside the chunk, and one (user, item) pair of local indices per kept row.
///
/// Each field is checked by its column (``InteractionColumn/accepts(_:threshold:)``).
struct RowCollector {
    let layout: RecordLayout
    let threshold: Double
    /// Bit `c` is set when the file has the column of raw value `c` and it is neither the user nor the item
    /// column (those two are the table's own and are checked first, without a loop).
    private let otherColumns: UInt
    /// Local user ids in order of first appearance in the chunk.
    var users = IdentifierMap()
    /// Local item ids in order of first appearance in the chunk.
    var items = IdentifierMap()
    /// Per kept row: local user index.
    var userRows: [Int32] = []
    /// Per kept row: local item index.
    var itemRows: [Int32] = []
    /// Data rows seen, kept or not.
    var rowsRead = 0

    /// The user field of the previous kept row (files are grouped by user), valid only while the
    /// bytes it points at stay alive: set only by ``add(_:userBytesAreStable:)`` callers that pass fields
    /// of the mapped file.
    private var lastUser: UnsafeBufferPointer<UInt8> = UnsafeBufferPointer(start: nil, count: 0)
    private var lastUserIndex: Int32 = -1

    init(layout: RecordLayout, threshold: Double, expectedRows: Int) {
        self.layout = layout
        self.threshold = threshold
        otherColumns = layout.presentColumns.filter { $0 != .user && $0 != .item }.reduce(0) { $0 | 1 << $1.rawValue }
        userRows.reserveCapacity(expectedRows)
        itemRows.reserveCapacity(expectedRows)
    }

    /// The fields of one row, indexed by ``InteractionColumn/rawValue`` (absent columns hold empty fields).
    typealias Fields = UnsafeMutableBufferPointer<UnsafeBufferPointer<UInt8>>

    /// Adds one data row given its raw fields. `userBytesAreStable` says the user bytes outlive the
    /// collector (enables the same-user-as-before shortcut).
    @inline(__always)
    mutating func add(_ fields: Fields, userBytesAreStable: Bool) throws(RowProblem) {
        rowsRead += 1
        let user = FieldParsing.trimmed(fields[InteractionColumn.user.rawValue])
        if user.isEmpty { throw InteractionColumn.user.problem(with: user, name: layout.name(of: .user)) }
        let item = FieldParsing.trimmed(fields[InteractionColumn.item.rawValue])
        if item.isEmpty { throw InteractionColumn.item.problem(with: item, name: layout.name(of: .item)) }
        var others = otherColumns
        while others != 0 {
            let raw = others.trailingZeroBitCount
            others &= others - 1
            guard let column = InteractionColumn(rawValue: raw) else { continue }
            let field = FieldParsing.trimmed(fields[raw])
            guard let keep = column.accepts(field, threshold: threshold) else {
                throw column.problem(with: field, name: layout.name(of: column))
            }
            if !keep { return }
        }
        let userIndex: Int32
        if userBytesAreStable && user.count == lastUser.count && lastUserIndex >= 0
            && Self.sameBytes(user, lastUser)
        {
            userIndex = lastUserIndex
        } else {
            userIndex = Self.index(of: user, in: &users)
            if userBytesAreStable {
                lastUser = user
                lastUserIndex = userIndex
            }
        }
        userRows.append(userIndex)
        itemRows.append(Self.index(of: item, in: &items))
    }

    @inline(__always)
    private static func index(of field: UnsafeBufferPointer<UInt8>, in map: inout IdentifierMap) -> Int32 {
        if let value = FieldParsing.canonicalInteger(field) { return map.index(ofNumber: value) }
        return map.index(ofText: String(decoding: field, as: UTF8.self))
    }

    @inline(__always)
    private static func sameBytes(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let leftStart = left.baseAddress, let rightStart = right.baseAddress else { return false }
        for offset in 0..<left.count where leftStart[offset] != rightStart[offset] { return false }
        return true
    }
}
