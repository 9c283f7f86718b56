import Foundation
import VAECF

/// `MPI_COMM_WORLD` of an MPI job, as a ``DataParallelGroup`` for `Trainer`.
///
/// Errors of MPI calls are returned (`MPI_ERRORS_RETURN`) and thrown as ``DataParallelError``s naming the call
/// and this rank; a member that cannot go on calls ``abort(code:)``, which ends every process of the job
/// (no member is left waiting in a collective). A member whose peer dies is ended by the launcher, which names
/// the rank that died. Call every method from one thread.
package final class MPICommunicator: DataParallelGroup {
    let library: MPILibrary
    package let rank: Int
    package let size: Int
    /// The host this rank runs on (`MPI_Get_processor_name`).
    package let hostName: String
    /// The MPI library's own version line and the file it was loaded from.
    package let libraryDescription: String
    private var finished = false

    /// The largest element count of one MPI call (its `count` is a C `int`).
    static let largestCall = Int(Int32.max)

    /// Loads libmpi (``MPILibrary``), initializes MPI if nobody did, and joins `MPI_COMM_WORLD`.
    /// - Throws: ``MPIStartError`` when the library cannot be loaded or initialized.
    package init() throws(MPIStartError) {
        do { library = try MPILibrary.open() } catch { throw .libraryUnavailable(error) }
        var flag: Int32 = 0
        _ = library.initialized(&flag)
        if flag == 0 {
            let status = library.initialize(nil, nil)
            guard status == 0 else {
                throw .initializationFailed(status: status, library: library.path)
            }
        }
        _ = library.setErrorHandler(library.world, library.errorsReturn)
        var value: Int32 = 0
        _ = library.rank(library.world, &value)
        rank = Int(value)
        _ = library.size(library.world, &value)
        size = Int(value)
        let library = library
        hostName = library.text { library.processorName($0, $1) }
        let version = library.text { library.libraryVersion($0, $1) }
        libraryDescription = "\(version.split(separator: ",").first.map(String.init) ?? "MPI") (\(library.path))"
    }

    package func allReduceSum(_ values: UnsafeMutablePointer<Float>, count: Int) throws(DataParallelError) {
        try inParts(count: count, call: "MPI_Allreduce of \(count) floats") { start, part in
            library.allReduce(MPILibrary.inPlace, values + start, part, library.float, library.sum, library.world)
        }
    }

    package func broadcast(_ bytes: UnsafeMutableRawPointer, count: Int, root: Int) throws(DataParallelError) {
        try inParts(count: count, call: "MPI_Bcast of \(count) bytes from rank \(root)") { start, part in
            library.broadcast(bytes + start, part, library.byte, Int32(root), library.world)
        }
    }

    /// Runs `operation(start, part)` over `0 ..< count` in parts of at most ``largestCall`` elements (an MPI
    /// count is a C `int`), checking each status.
    private func inParts(
        count: Int, call: String, _ operation: (_ start: Int, _ part: Int32) -> Int32
    ) throws(DataParallelError) {
        var start = 0
        while start < count {
            let part = min(Self.largestCall, count - start)
            try check(operation(start, Int32(part)), call: call)
            start += part
        }
    }

    /// Ends every process of the job with `code` (`MPI_Abort`); does not return.
    package func abort(code: Int32) -> Never {
        _ = library.abort(library.world, code)
        exit(code)
    }

    /// Leaves MPI (`MPI_Finalize`) once every member is done; later calls do nothing.
    package func finish() {
        guard !finished else { return }
        finished = true
        var flag: Int32 = 0
        _ = library.finalized(&flag)
        if flag == 0 { _ = library.finalize() }
    }

    private func check(_ status: Int32, call: String) throws(DataParallelError) {
        guard status != 0 else { return }
        let library = library
        let message = library.text { library.errorString(status, $0, $1) }
        throw .callFailed(
            call: call, rank: rank, host: hostName, message: message.isEmpty ? "code \(status)" : message)
    }
}

/// MPI could not be started in this process.
package enum MPIStartError: Error, LocalizedError, CustomStringConvertible {
    /// libmpi could not be opened or is not Open MPI.
    case libraryUnavailable(MPILoadError)
    /// `MPI_Init` returned `status`.
    case initializationFailed(status: Int32, library: String)

    /// The text for logs, messages and errors.
    package var description: String {
        switch self {
        case .libraryUnavailable(let error): error.description
        case .initializationFailed(let status, let library): "MPI_Init failed with code \(status) (\(library))"
        }
    }

    /// The same text as `description`.
    package var errorDescription: String? { description }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
