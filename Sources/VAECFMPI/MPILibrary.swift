#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import VAECFCore

/// Open MPI's `libmpi`, opened at run time with `dlopen`, so that vaecf builds and runs without MPI and a
/// machine that has Open MPI (Debian: `openmpi-bin`, `libopenmpi3`) trains across processes with it.
///
/// Only the few calls data-parallel training needs are bound. Open MPI's predefined handles
/// (`MPI_COMM_WORLD`, `MPI_FLOAT`, `MPI_SUM`, ...) are the addresses of exported objects
/// (`ompi_mpi_comm_world`, ...), which is how this binds them; MPICH and its derivatives, whose handles are
/// compile-time integers, are recognized and refused with a message. The handle is never closed.
final class MPILibrary: @unchecked Sendable {
    // @unchecked: every stored property is immutable after `init`; MPI is only called from the main thread.
    typealias Handle = OpaquePointer
    typealias Init =
        @convention(c) (
            UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
        ) -> Int32
    typealias Flag = @convention(c) (UnsafeMutablePointer<Int32>?) -> Int32
    typealias NoArguments = @convention(c) () -> Int32
    typealias CommunicatorQuery = @convention(c) (Handle?, UnsafeMutablePointer<Int32>?) -> Int32
    typealias AllReduce =
        @convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer?, Int32, Handle?, Handle?, Handle?) -> Int32
    typealias Broadcast = @convention(c) (UnsafeMutableRawPointer?, Int32, Handle?, Int32, Handle?) -> Int32
    typealias Abort = @convention(c) (Handle?, Int32) -> Int32
    typealias Text = @convention(c) (UnsafeMutablePointer<CChar>?, UnsafeMutablePointer<Int32>?) -> Int32
    typealias ErrorText = @convention(c) (Int32, UnsafeMutablePointer<CChar>?, UnsafeMutablePointer<Int32>?) -> Int32
    typealias SetErrorHandler = @convention(c) (Handle?, Handle?) -> Int32

    /// `MPI_MAX_PROCESSOR_NAME`, `MPI_MAX_ERROR_STRING` and `MPI_MAX_LIBRARY_VERSION_STRING` are at most this.
    static let textCapacity = 1024
    /// Open MPI's `MPI_IN_PLACE`.
    static var inPlace: UnsafeRawPointer? { UnsafeRawPointer(bitPattern: 1) }

    /// The library name or path that was opened.
    let path: String
    let initialize: Init
    let initialized: Flag
    let finalized: Flag
    let finalize: NoArguments
    let rank: CommunicatorQuery
    let size: CommunicatorQuery
    let allReduce: AllReduce
    let broadcast: Broadcast
    let abort: Abort
    let processorName: Text
    let libraryVersion: Text
    let errorString: ErrorText
    let setErrorHandler: SetErrorHandler
    let world: Handle
    let float: Handle
    let byte: Handle
    let sum: Handle
    let errorsReturn: Handle

    /// The library names tried in order: `VAECF_MPI` when set, else Open MPI's sonames.
    static var candidates: [String] {
        if let chosen = getEnvironment("VAECF_MPI"), !chosen.isEmpty { return [chosen] }
        return ["libmpi.so.40", "libmpi.so"]
    }

    /// Opens the first of ``candidates`` that loads.
    static func open() throws(MPILoadError) -> MPILibrary {
        var failures = [MPILoadError]()
        for name in candidates {
            do { return try MPILibrary(opening: name) } catch { failures.append(error) }
        }
        throw failures.count == 1 ? failures[0] : .noneUsable(failures)
    }

    /// Opens `name` (a soname or a path) with its symbols global, which Open MPI's plugins need.
    init(opening name: String) throws(MPILoadError) {
        guard let handle = dlopen(name, RTLD_NOW | RTLD_GLOBAL) else {
            throw .notLoadable(library: name, reason: dlerror().map { String(cString: $0) } ?? "dlopen failed")
        }
        func symbol(_ symbolName: String) throws(MPILoadError) -> UnsafeMutableRawPointer {
            guard let address = dlsym(handle, symbolName) else {
                if dlsym(handle, "MPIR_Init_thread") != nil || dlsym(handle, "MPICH_Init") != nil {
                    throw .notOpenMPI(library: name)
                }
                throw .missingFunction(library: name, function: symbolName)
            }
            return address
        }
        func function<T>(_ symbolName: String, as type: T.Type) throws(MPILoadError) -> T {
            unsafeBitCast(try symbol(symbolName), to: type)
        }
        func object(_ symbolName: String) throws(MPILoadError) -> Handle { Handle(try symbol(symbolName)) }
        world = try object("ompi_mpi_comm_world")
        float = try object("ompi_mpi_float")
        byte = try object("ompi_mpi_byte")
        sum = try object("ompi_mpi_op_sum")
        errorsReturn = try object("ompi_mpi_errors_return")
        initialize = try function("MPI_Init", as: Init.self)
        initialized = try function("MPI_Initialized", as: Flag.self)
        finalized = try function("MPI_Finalized", as: Flag.self)
        finalize = try function("MPI_Finalize", as: NoArguments.self)
        rank = try function("MPI_Comm_rank", as: CommunicatorQuery.self)
        size = try function("MPI_Comm_size", as: CommunicatorQuery.self)
        allReduce = try function("MPI_Allreduce", as: AllReduce.self)
        broadcast = try function("MPI_Bcast", as: Broadcast.self)
        abort = try function("MPI_Abort", as: Abort.self)
        processorName = try function("MPI_Get_processor_name", as: Text.self)
        libraryVersion = try function("MPI_Get_library_version", as: Text.self)
        errorString = try function("MPI_Error_string", as: ErrorText.self)
        setErrorHandler = try function("MPI_Comm_set_errhandler", as: SetErrorHandler.self)
        path = name
    }

    /// A text an MPI call writes into a caller's buffer (processor name, library version, error string).
    func text(_ call: (UnsafeMutablePointer<CChar>, UnsafeMutablePointer<Int32>) -> Int32) -> String {
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: Self.textCapacity)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 0, count: Self.textCapacity)
        var length: Int32 = 0
        guard call(buffer, &length) == 0 else { return "" }
        let bytes = UnsafeRawBufferPointer(start: buffer, count: Int(max(0, min(length, Int32(Self.textCapacity)))))
        return String(decoding: bytes, as: UTF8.self)
            .trimmingCharacters(in: CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: "\0")))
    }
}

/// libmpi could not be opened or is not Open MPI.
package enum MPILoadError: Error, Equatable, LocalizedError, CustomStringConvertible {
    /// The dynamic loader could not open `library`.
    case notLoadable(library: String, reason: String)
    /// `library` is MPICH or derived from it; the run-time binding supports Open MPI.
    case notOpenMPI(library: String)
    /// `library` lacks a function vaecf calls.
    case missingFunction(library: String, function: String)
    /// None of the candidate libraries could be used (each one's error in order).
    case noneUsable([MPILoadError])

    /// The text for logs, messages and errors.
    package var description: String {
        switch self {
        case .notLoadable(let library, let reason): "cannot use MPI library \(library): \(reason)"
        case .notOpenMPI(let library):
            "cannot use MPI library \(library): it is MPICH (or derived from it); vaecf's run-time binding "
                + "supports Open MPI"
        case .missingFunction(let library, let function):
            "cannot use MPI library \(library): it does not export \(function)"
        case .noneUsable(let failures): failures.map(\.description).joined(separator: "; ")
        }
    }

    /// The same text as `description`.
    package var errorDescription: String? { description }
}
