import Foundation

/// The processes of a data-parallel training job (MPI ranks, or threads in tests), seen from one of them.
///
/// Every member calls the same operations in the same order; each call returns once every member has made it.
/// `Trainer` uses one summing allreduce per step over one contiguous buffer (the flat gradient plus the
/// loss terms) and broadcasts from rank 0 to start or resume every member from the same state.
package protocol DataParallelGroup: AnyObject {
    /// This member's index, `0 ..< size`. Rank 0 validates, logs and checkpoints.
    var rank: Int { get }
    /// Number of members.
    var size: Int { get }
    /// Replaces `values[0 ..< count]` on every member with the element-wise sum over all members.
    func allReduceSum(_ values: UnsafeMutablePointer<Float>, count: Int) throws(DataParallelError)
    /// Copies `bytes[0 ..< count]` of member `root` to every other member.
    func broadcast(_ bytes: UnsafeMutableRawPointer, count: Int, root: Int) throws(DataParallelError)
}

/// A failed collective operation, or members that do not agree.
package enum DataParallelError: Error, Equatable, LocalizedError, CustomStringConvertible {
    /// A collective call of the communication library failed on `rank`.
    case callFailed(call: String, rank: Int, host: String, message: String)
    /// Another member failed, so this one cannot go on.
    case memberFailed
    /// A broadcast announced a length no member sends.
    case impossibleBroadcast(bytes: Int64)
    /// This member counts another number of members than rank 0.
    case memberCountMismatch(rank: Int, counted: Int, rootCounted: Int)
    /// This member read another prepared dataset than rank 0.
    case datasetMismatch(rank: Int, dataset: String, rootDataset: String)
    /// The global batch does not split evenly between the members.
    case indivisibleBatch(batchSize: Int, members: Int)

    /// The text for logs, messages and errors.
    package var description: String {
        switch self {
        case .callFailed(let call, let rank, let host, let message):
            "\(call) failed on rank \(rank) (\(host)): \(message)"
        case .memberFailed: "another member failed"
        case .impossibleBroadcast(let bytes): "broadcast of \(bytes) bytes"
        case .memberCountMismatch(let rank, let counted, let rootCounted):
            "rank \(rank) counts \(counted) members, rank 0 counts \(rootCounted)"
        case .datasetMismatch(let rank, let dataset, let rootDataset):
            "rank \(rank) read dataset \(dataset), rank 0 trains on \(rootDataset): every member needs the same "
                + "prepared file"
        case .indivisibleBatch(let batchSize, let members):
            "the global batch size \(batchSize) does not divide between \(members) processes; choose "
                + "--batch-size-train as a multiple of \(members)"
        }
    }

    /// The same text as `description`.
    package var errorDescription: String? { description }
}

extension DataParallelGroup {
    /// Broadcasts `values` (the same count on every member) from `root`.
    package func broadcast(_ values: UnsafeMutablePointer<Float>, count: Int, root: Int) throws(DataParallelError) {
        try broadcast(UnsafeMutableRawPointer(values), count: count * MemoryLayout<Float>.stride, root: root)
    }

    /// Broadcasts a byte string of any length from `root`: its length first, then its bytes.
    package func broadcast(_ bytes: [UInt8], root: Int) throws(DataParallelError) -> [UInt8] {
        let length = try broadcast(integers: [Int64(rank == root ? bytes.count : 0)], root: root)[0]
        guard length >= 0 && length < 1 << 31 else { throw .impossibleBroadcast(bytes: length) }
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(Int(length), 1), alignment: 8)
        defer { storage.deallocate() }
        if rank == root { storage.copyBytes(from: bytes) }
        if length > 0 { try broadcast(storage.baseAddress!, count: Int(length), root: root) }
        return Array(storage.prefix(Int(length)))
    }

    /// Broadcasts `values` (the same count on every member) from `root` and returns `root`'s values.
    package func broadcast(integers values: [Int64], root: Int) throws(DataParallelError) -> [Int64] {
        let storage = UnsafeMutablePointer<Int64>.allocate(capacity: max(values.count, 1))
        defer { storage.deallocate() }
        storage.initialize(from: values, count: values.count)
        try broadcast(UnsafeMutableRawPointer(storage), count: values.count * MemoryLayout<Int64>.stride, root: root)
        return Array(UnsafeBufferPointer(start: storage, count: values.count))
    }
}
