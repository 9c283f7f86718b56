import VAECFCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension GEMM {
    /// The environment variable that picks the backend: `openblas`, `blis`, `mkl`, `portable`, or a library path.
    package static let environmentVariable = "VAECF_BLAS"

    /// Sonames tried for each vendor, in order.
    static func libraryNames(for vendor: CBLASLibrary.Vendor) -> [String] {
        #if canImport(Darwin)
        switch vendor {
        case .openblas: return ["libopenblas.dylib", "/opt/homebrew/opt/openblas/lib/libopenblas.dylib"]
        case .blis: return ["libblis.dylib", "libblis.4.dylib"]
        case .mkl: return ["libmkl_rt.dylib", "libmkl_rt.2.dylib"]
        case .cblas: return []
        }
        #else
        switch vendor {
        case .openblas: return ["libopenblas.so.0", "libopenblas.so"]
        case .blis: return ["libblis.so.4", "libblis.so"]
        case .mkl: return ["libmkl_rt.so.2", "libmkl_rt.so.1", "libmkl_rt.so"]
        case .cblas: return []
        }
        #endif
    }

    /// Loads the CBLAS named by `VAECF_BLAS` (`openblas | blis | mkl | portable | /path/to/libsomething.so`),
    /// else the first of OpenBLAS (`libopenblas.so.0`) and BLIS (`libblis.so.4`) that `dlopen` finds, else the
    /// portable implementation. When `VAECF_BLAS` names something that cannot be loaded, the result is portable
    /// and `warnings` says why. The library's thread count is set to `threadCount` (through
    /// `openblas_set_num_threads`, `bli_thread_set_num_threads` or `MKL_Set_Num_Threads` when it exports one).
    ///
    /// Before OpenBLAS is opened, `OPENBLAS_CORETYPE` is set from the CPU flags when it is unset, because
    /// OpenBLAS 0.3.21 falls back to slow SSE3 kernels on CPUs it does not recognise (see `OpenBLASCoreType`).
    /// Call `load` early, before other threads read the environment.
    package static func load(threadCount: Int) -> GEMM {
        load(request: getEnvironment(environmentVariable), origin: "\(environmentVariable)=", threadCount: threadCount)
    }

    /// Like `load(threadCount:)` with `library` in place of `VAECF_BLAS`: `nil` or empty searches OpenBLAS then
    /// BLIS and silently falls back to portable; any other value that cannot be honoured falls back to portable
    /// with a warning.
    package static func load(library: String?, threadCount: Int) -> GEMM {
        load(request: library, origin: "BLAS ", threadCount: threadCount)
    }

    /// `origin` starts the warnings: `VAECF_BLAS=` or `BLAS `.
    private static func load(request: String?, origin: String, threadCount: Int) -> GEMM {
        let request = request?.trimmingWhitespace() ?? ""
        if request.isEmpty {
            for vendor in [CBLASLibrary.Vendor.openblas, .blis] {
                if let library = try? openFirst(of: libraryNames(for: vendor), vendor: vendor).get() {
                    return cblas(library, threadCount: threadCount)
                }
            }
            return GEMM(backend: .portable, threadCount: threadCount)
        }
        let names: [String]
        var vendor = CBLASLibrary.Vendor.cblas
        switch request.lowercased() {
        case "portable":
            return GEMM(backend: .portable, threadCount: threadCount)
        case "openblas", "blis", "mkl":
            vendor = CBLASLibrary.Vendor(rawValue: request.lowercased()) ?? .cblas
            names = libraryNames(for: vendor)
        default:
            guard request.contains("/") || request.contains(".so") || request.hasSuffix(".dylib") else {
                let warning =
                    "\(origin)\(request) is not openblas, blis, mkl, portable or a library path; "
                    + "using the portable GEMM"
                return GEMM(backend: .portable, threadCount: threadCount, warnings: [warning])
            }
            names = [request]
            if request.lowercased().contains("openblas") { vendor = .openblas }
        }
        switch openFirst(of: names, vendor: vendor) {
        case .success(let library):
            return cblas(library, threadCount: threadCount)
        case .failure(let error):
            let warning = "\(origin)\(request): \(error); using the portable GEMM"
            return GEMM(backend: .portable, threadCount: threadCount, warnings: [warning])
        }
    }

    private static func cblas(_ library: CBLASLibrary, threadCount: Int) -> GEMM {
        library.setThreadCount(threadCount)
        return GEMM(backend: .cblas(library), threadCount: threadCount)
    }

    /// The first of `names` that opens, or the error of the first one tried. For OpenBLAS, the kernel set is
    /// chosen from the CPU flags first unless the user set `OPENBLAS_CORETYPE` (see `OpenBLASCoreType`).
    private static func openFirst(
        of names: [String], vendor: CBLASLibrary.Vendor
    ) -> Result<CBLASLibrary, CBLASLoadError> {
        let configuredCore = vendor == .openblas ? OpenBLASCoreType.configureIfUnset() : nil
        if vendor == .openblas && getenv(Self.openBLASThreadTimeout) == nil {
            // OpenBLAS's idle worker threads otherwise spin (sched_yield) for about 2^28 cycles after every call,
            // taking a core from the SIMD loops that run between products (softmax, ranking). 2^4 cycles
            // lets them sleep at once; a user's own setting is kept.
            setenv(Self.openBLASThreadTimeout, "4", 1)
        }
        let result = openFirst(of: names)
        if case .failure = result, configuredCore != nil { OpenBLASCoreType.removeConfiguration() }
        return result
    }

    /// OpenBLAS's variable for how long idle worker threads spin before they sleep.
    static let openBLASThreadTimeout = "OPENBLAS_THREAD_TIMEOUT"

    private static func openFirst(of names: [String]) -> Result<CBLASLibrary, CBLASLoadError> {
        var firstError: CBLASLoadError?
        for name in names {
            do {
                return .success(try CBLASLibrary(opening: name))
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        return .failure(firstError ?? .noCandidates)
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        var characters = Substring(self)
        while let first = characters.first, first.isWhitespace { characters.removeFirst() }
        while let last = characters.last, last.isWhitespace { characters.removeLast() }
        return String(characters)
    }
}
