#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A CBLAS shared library opened at run time with `dlopen`, so the package builds and runs without one.
///
/// Only `cblas_sgemm` is required; the vendor's thread-count setter is used when it exists. The handle is never
/// closed: the function pointers stay valid for the life of the process.
final class CBLASLibrary: @unchecked Sendable {
    // @unchecked: every stored property is immutable after `init`; the C functions themselves are thread-safe.

    /// Which vendor the library is, decided from the symbols it exports.
    enum Vendor: String, Sendable {
        case openblas, blis, mkl, cblas
    }

    /// `cblas_sgemm` with 32-bit integer arguments (LP64 builds: OpenBLAS, BLIS with 32-bit BLAS integers, MKL LP64).
    typealias Sgemm32 =
        @convention(c) (
            Int32, Int32, Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?, Int32,
            UnsafePointer<Float>?, Int32, Float, UnsafeMutablePointer<Float>?, Int32
        ) -> Void
    /// `cblas_sgemm` with 64-bit integer dimensions (ILP64 builds); the enumerations stay C `int`.
    typealias Sgemm64 =
        @convention(c) (
            Int32, Int32, Int32, Int64, Int64, Int64, Float, UnsafePointer<Float>?, Int64,
            UnsafePointer<Float>?, Int64, Float, UnsafeMutablePointer<Float>?, Int64
        ) -> Void
    typealias SetThreads32 = @convention(c) (Int32) -> Void
    typealias SetThreads64 = @convention(c) (Int64) -> Void
    typealias IntQuery64 = @convention(c) () -> Int64
    typealias StringQuery = @convention(c) () -> UnsafePointer<CChar>?
    typealias AddressInfo = @convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer?) -> Int32

    static let rowMajor: Int32 = 101
    static let noTranspose: Int32 = 111
    static let transpose: Int32 = 112

    enum Entry {
        case lp64(Sgemm32)
        case ilp64(Sgemm64)
    }

    enum ThreadSetter {
        case int32(SetThreads32)
        case int64(SetThreads64)
    }

    let vendor: Vendor
    /// The file the dynamic loader actually opened (or the requested name when it cannot be found out).
    let path: String
    let entry: Entry
    let threadSetter: ThreadSetter?
    /// The kernel set the library chose for this CPU (`SkylakeX`, `skx`, ...), when it says.
    let kernelName: String?
    /// The library's Cholesky factorization and inverse, when it exports them (OpenBLAS, MKL).
    let lapack: LAPACKRoutines?

    /// Opens `name` (a soname searched by the dynamic loader, or a path) and binds `cblas_sgemm`.
    /// Throws a `CBLASLoadError` naming the library and the loader's message when that fails.
    init(opening name: String) throws(CBLASLoadError) {
        guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
            throw .notLoadable(library: name, reason: Self.lastLoaderError() ?? "dlopen failed")
        }
        guard let sgemm = dlsym(handle, "cblas_sgemm") else {
            dlclose(handle)
            throw .missingSGEMM(library: name)
        }
        let vendor: Vendor
        if dlsym(handle, "openblas_set_num_threads") != nil {
            vendor = .openblas
        } else if dlsym(handle, "bli_thread_set_num_threads") != nil {
            vendor = .blis
        } else if dlsym(handle, "MKL_Set_Num_Threads") != nil || dlsym(handle, "mkl_set_num_threads") != nil {
            vendor = .mkl
        } else {
            vendor = .cblas
        }
        self.vendor = vendor
        self.path = Self.fileName(containing: sgemm) ?? name
        let wideIntegers = Self.usesWideIntegers(handle: handle, vendor: vendor)
        self.entry =
            wideIntegers
            ? .ilp64(unsafeBitCast(sgemm, to: Sgemm64.self)) : .lp64(unsafeBitCast(sgemm, to: Sgemm32.self))
        self.threadSetter = Self.threadSetter(handle: handle, vendor: vendor)
        self.kernelName = Self.kernelName(handle: handle, vendor: vendor)
        self.lapack = LAPACKRoutines(handle: handle, wideIntegers: wideIntegers)
    }

    /// `path`, plus the kernel set when known: `/usr/lib/libopenblas.so.0, SkylakeX`.
    var summary: String {
        kernelName.map { "\(path), \($0)" } ?? path
    }

    /// Sets the library's (process-wide) thread count; a no-op without a setter.
    func setThreadCount(_ count: Int) {
        switch threadSetter {
        case .int32(let set): set(Int32(clamping: count))
        case .int64(let set): set(Int64(count))
        case nil: break
        }
    }

    /// Calls `cblas_sgemm` in row-major order. The caller has checked the sizes with `accepts(largest:)`.
    func sgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let transA = transposeA ? Self.transpose : Self.noTranspose
        let transB = transposeB ? Self.transpose : Self.noTranspose
        switch entry {
        case .lp64(let call):
            call(
                Self.rowMajor, transA, transB, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                beta, c, Int32(ldc))
        case .ilp64(let call):
            call(
                Self.rowMajor, transA, transB, Int64(m), Int64(n), Int64(k), alpha, a, Int64(lda), b, Int64(ldb),
                beta, c, Int64(ldc))
        }
    }

    /// Whether a size or stride as large as `largest` fits the library's integer type.
    func accepts(largest: Int) -> Bool {
        switch entry {
        case .lp64: return largest <= Int(Int32.max)
        case .ilp64: return true
        }
    }

    // MARK: - Probing

    private static func lastLoaderError() -> String? {
        guard let message = dlerror() else { return nil }
        return String(cString: message)
    }

    /// ILP64 builds: BLIS reports its BLAS integer size; OpenBLAS lists `USE64BITINT` in its configuration.
    private static func usesWideIntegers(handle: UnsafeMutableRawPointer, vendor: Vendor) -> Bool {
        switch vendor {
        case .blis:
            guard let query = dlsym(handle, "bli_info_get_blas_int_type_size") else { return false }
            // gint_t may be 32 or 64 bits wide; the low 32 bits hold the answer either way.
            return unsafeBitCast(query, to: IntQuery64.self)() & 0xFFFF_FFFF == 64
        case .openblas:
            guard let query = dlsym(handle, "openblas_get_config"),
                let text = unsafeBitCast(query, to: StringQuery.self)()
            else { return false }
            return String(cString: text).contains("USE64BITINT")
        case .mkl, .cblas:
            return false
        }
    }

    private static func threadSetter(handle: UnsafeMutableRawPointer, vendor: Vendor) -> ThreadSetter? {
        switch vendor {
        case .openblas:
            return dlsym(handle, "openblas_set_num_threads").map { .int32(unsafeBitCast($0, to: SetThreads32.self)) }
        case .blis:
            guard let setter = dlsym(handle, "bli_thread_set_num_threads") else { return nil }
            let intBits = dlsym(handle, "bli_info_get_int_type_size").map {
                unsafeBitCast($0, to: IntQuery64.self)() & 0xFFFF_FFFF
            }
            return intBits == 32
                ? .int32(unsafeBitCast(setter, to: SetThreads32.self))
                : .int64(unsafeBitCast(setter, to: SetThreads64.self))
        case .mkl:
            let setter = dlsym(handle, "MKL_Set_Num_Threads") ?? dlsym(handle, "mkl_set_num_threads")
            return setter.map { .int32(unsafeBitCast($0, to: SetThreads32.self)) }
        case .cblas:
            return nil
        }
    }

    private static func kernelName(handle: UnsafeMutableRawPointer, vendor: Vendor) -> String? {
        switch vendor {
        case .openblas:
            guard let query = dlsym(handle, "openblas_get_corename"),
                let name = unsafeBitCast(query, to: StringQuery.self)()
            else { return nil }
            return String(cString: name)
        case .blis:
            typealias ArchitectureQuery = @convention(c) () -> Int32
            typealias ArchitectureName = @convention(c) (Int32) -> UnsafePointer<CChar>?
            guard let query = dlsym(handle, "bli_arch_query_id"), let describe = dlsym(handle, "bli_arch_string"),
                let name = unsafeBitCast(describe, to: ArchitectureName.self)(
                    unsafeBitCast(query, to: ArchitectureQuery.self)())
            else { return nil }
            return String(cString: name)
        case .mkl, .cblas:
            return nil
        }
    }

    /// The path of the loaded object that contains `symbol`, through `dladdr` (looked up at run time because
    /// Glibc's module map hides it behind `_GNU_SOURCE`).
    private static func fileName(containing symbol: UnsafeMutableRawPointer) -> String? {
        #if canImport(Darwin)
        var info = Dl_info()
        guard dladdr(symbol, &info) != 0, let name = info.dli_fname else { return nil }
        return String(cString: name)
        #else
        guard let lookup = dlsym(nil, "dladdr") else { return nil }
        let addressInfo = unsafeBitCast(lookup, to: AddressInfo.self)
        // Dl_info: dli_fname, dli_fbase, dli_sname, dli_saddr.
        var info: (UnsafePointer<CChar>?, UnsafeRawPointer?, UnsafePointer<CChar>?, UnsafeRawPointer?) =
            (nil, nil, nil, nil)
        let found = withUnsafeMutableBytes(of: &info) { addressInfo(UnsafeRawPointer(symbol), $0.baseAddress) }
        guard found != 0, let name = info.0 else { return nil }
        return String(cString: name)
        #endif
    }
}

/// Why a CBLAS library could not be used.
package enum CBLASLoadError: Error, Equatable, LocalizedError, CustomStringConvertible, Sendable {
    /// The dynamic loader could not open `library` (its message).
    case notLoadable(library: String, reason: String)
    /// `library` opened but does not export `cblas_sgemm`.
    case missingSGEMM(library: String)
    /// No library name was given to try.
    case noCandidates

    /// The text for logs, messages and errors.
    package var description: String {
        switch self {
        case .notLoadable(let library, let reason): "cannot use CBLAS library \(library): \(reason)"
        case .missingSGEMM(let library): "cannot use CBLAS library \(library): it does not export cblas_sgemm"
        case .noCandidates: "cannot use a CBLAS library: no library names to try"
        }
    }

    /// The same text as `description`.
    package var errorDescription: String? { description }
}
