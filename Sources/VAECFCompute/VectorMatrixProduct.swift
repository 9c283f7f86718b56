#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The vector-matrix product `y[n] = alpha * x[k] * B[k, n] + beta * y[n]` (row-major `B`, row stride `ldb`):
/// the shape of scoring one user, where a GEMM with `m == 1` may pack the whole of `B` first.
///
/// Runs `cblas_sgemv` of the ``GEMM``'s CBLAS when that library exports it (bound once, at `init`), and
/// ``GEMM/multiply(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)`` with `m == 1` otherwise, so
/// the portable backend gives exactly its GEMM's values.
public struct VectorMatrixProduct: Sendable {
    /// `cblas_sgemv` with 32-bit integers (LP64 builds).
    typealias Sgemv32 = @convention(c) (
        Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?, Int32, UnsafePointer<Float>?, Int32, Float,
        UnsafeMutablePointer<Float>?, Int32
    ) -> Void
    /// `cblas_sgemv` with 64-bit integer sizes (ILP64 builds); the enumerations stay C `int`.
    typealias Sgemv64 = @convention(c) (
        Int32, Int32, Int64, Int64, Float, UnsafePointer<Float>?, Int64, UnsafePointer<Float>?, Int64, Float,
        UnsafeMutablePointer<Float>?, Int64
    ) -> Void

    enum Entry: @unchecked Sendable {
        case lp64(Sgemv32)
        case ilp64(Sgemv64)
    }

    /// The GEMM whose backend and thread count this uses.
    public let gemm: GEMM
    let library: CBLASLibrary?
    let entry: Entry?

    /// Binds `cblas_sgemv` from the library `gemm` already loaded, when it has one.
    public init(gemm: GEMM) {
        self.gemm = gemm
        guard case .cblas(let library) = gemm.backend,
            let handle = dlopen(library.path, RTLD_NOW | RTLD_NOLOAD),
            let symbol = dlsym(handle, "cblas_sgemv")
        else {
            library = nil
            entry = nil
            return
        }
        // The handle is kept open, like the library's own: the function pointer must stay valid.
        self.library = library
        switch library.entry {
        case .lp64: entry = .lp64(unsafeBitCast(symbol, to: Sgemv32.self))
        case .ilp64: entry = .ilp64(unsafeBitCast(symbol, to: Sgemv64.self))
        }
    }

    /// Whether products run in the CBLAS's `sgemv` (rather than a one-row GEMM).
    public var usesVectorRoutine: Bool { entry != nil }

    /// `y[n] = alpha * x[k] * B[k, n] + beta * y[n]`; `B` is row-major with row stride `ldb >= n`.
    /// `beta == 0` overwrites `y` without reading it. `y` must not overlap `x` or `B`.
    public func multiply(
        n: Int, k: Int, alpha: Float, x: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int, beta: Float,
        y: UnsafeMutablePointer<Float>
    ) {
        precondition(n >= 0 && k >= 0 && ldb >= n, "invalid vector-matrix product sizes: n \(n), k \(k), ldb \(ldb)")
        guard n > 0 else { return }
        guard k > 0, let entry, let library, library.accepts(largest: max(n, k, ldb)) else {
            gemm.multiply(
                transposeA: false, transposeB: false, m: 1, n: n, k: k, alpha: alpha, a: x, lda: max(k, 1), b: b,
                ldb: ldb, beta: beta, c: y, ldc: n)
            return
        }
        if beta == 0 { y.update(repeating: 0, count: n) }
        library.setThreadCount(gemm.threadCount)
        // Row-major B [k, n] is A with M = k, N = n; y = A^T x.
        switch entry {
        case .lp64(let call):
            call(
                CBLASLibrary.rowMajor, CBLASLibrary.transpose, Int32(k), Int32(n), alpha, b, Int32(ldb), x, 1, beta,
                y, 1)
        case .ilp64(let call):
            call(
                CBLASLibrary.rowMajor, CBLASLibrary.transpose, Int64(k), Int64(n), alpha, b, Int64(ldb), x, 1, beta,
                y, 1)
        }
    }
}
