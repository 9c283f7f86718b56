import VAECFCore

/// Row-major single-precision matrix products, `C = alpha * op(A) * op(B) + beta * C`, through a CBLAS
/// loaded at run time or a portable Swift implementation.
///
/// Shapes: `op(A)` is `[m, k]`, `op(B)` is `[k, n]`, `C` is `[m, n]`; `lda`, `ldb`, `ldc` are the row strides
/// of the stored (untransposed) matrices.
///
/// The portable backend is bitwise reproducible: the same inputs give the same `C` on every run, for any
/// thread count. A CBLAS is only as reproducible as the library (usually: for a fixed thread count).
package struct GEMM: Sendable, CustomStringConvertible {
    enum Backend: Sendable {
        case portable
        case cblas(CBLASLibrary)
    }

    /// Which implementation runs the products: `portable`, or the vendor, the file loaded and the kernel set it
    /// chose, e.g. `openblas (/lib/x86_64-linux-gnu/libopenblas.so.0, SkylakeX)`; with ``precision``
    /// `bfloat16`, `bfloat16 (avx512_bf16 kernels; float32: openblas (...))`.
    package var backendName: String {
        precision == .bfloat16 ? "bfloat16 (avx512_bf16 kernels; float32: \(floatBackendName))" : floatBackendName
    }
    /// The float32 backend's name (see ``backendName``).
    let floatBackendName: String
    /// Threads the products use.
    package let threadCount: Int
    /// The inputs' number format: `float32` runs the backend, `bfloat16` the AVX512-BF16 kernels
    /// (``ComputePrecision``); set with ``withPrecision(_:)``.
    package private(set) var precision: ComputePrecision = .float32
    /// Problems met while choosing the backend (e.g. `VAECF_BLAS` names a library that cannot be loaded and
    /// the portable backend is used instead); empty when the request was honoured.
    package let warnings: [String]
    let backend: Backend

    init(backend: Backend, threadCount: Int, warnings: [String] = []) {
        precondition(threadCount >= 1, "threadCount must be at least 1")
        self.backend = backend
        self.threadCount = threadCount
        self.warnings = warnings
        switch backend {
        case .portable: floatBackendName = "portable"
        case .cblas(let library): floatBackendName = "\(library.vendor.rawValue) (\(library.summary))"
        }
    }

    /// The portable Swift implementation with `threadCount` threads.
    package static func portable(threadCount: Int) -> GEMM {
        GEMM(backend: .portable, threadCount: threadCount)
    }

    /// Short form for logs: `openblas, 2 threads` or `portable, 1 thread`; with `bfloat16` products
    /// `bfloat16 (avx512_bf16), 2 threads`.
    package var description: String {
        let name: String
        switch (precision, backend) {
        case (.bfloat16, _): name = "bfloat16 (avx512_bf16)"
        case (.float32, .portable): name = "portable"
        case (.float32, .cblas(let library)): name = library.vendor.rawValue
        }
        return "\(name), \(threadCount) thread\(threadCount == 1 ? "" : "s")"
    }

    /// This GEMM with its products in `precision`; throws when the CPU lacks the instructions it needs.
    /// The float32 backend stays loaded (and named in ``backendName``) for `float32`.
    package func withPrecision(_ precision: ComputePrecision) throws(ComputePrecisionError) -> GEMM {
        let missing = ComputePrecision.missingInstructions(for: precision)
        guard missing.isEmpty else { throw .unsupported(precision, missingInstructions: missing) }
        var copy = self
        copy.precision = precision
        return copy
    }

    /// Whether products run in a dynamically loaded CBLAS (rather than the portable implementation).
    package var usesCBLAS: Bool {
        if case .cblas = backend { return true }
        return false
    }

    /// `C = alpha * op(A) * op(B) + beta * C` (row-major).
    ///
    /// - `op(A)` is `[m, k]`: `a` stores `[m, k]` with row stride `lda >= k`, or `[k, m]` with `lda >= m` when
    ///   `transposeA`; likewise `op(B)` is `[k, n]` from `[k, n]` (`ldb >= n`) or `[n, k]` (`ldb >= k`).
    /// - `C` is `[m, n]` with row stride `ldc >= n` and must not overlap `A` or `B`.
    /// - `beta == 0` overwrites `C` without reading it (NaN there is ignored); `k == 0` or `alpha == 0` gives
    ///   `C = beta * C` without reading `A` or `B`.
    /// - `bfloat16B`: the same `B` rounded to bfloat16 bits (`UInt16`, `B`'s layout and `ldb`), e.g. the copy of
    ///   the weights that the Adam pass writes; with ``precision`` `bfloat16` it is read instead of `b` (the same
    ///   bits, half the bytes, nothing to round); float32 ignores it.
    package func multiply(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, bfloat16B: UnsafePointer<UInt16>? = nil, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard
            needsProduct(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, lda: lda, ldb: ldb,
                beta: beta, c: c, ldc: ldc)
        else { return }
        if precision == .bfloat16 {
            BFloat16Products.multiply(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                b: bfloat16B.map { .bits($0) } ?? .floats(b), ldb: ldb, beta: beta, c: c, ldc: ldc,
                threadCount: threadCount)
            return
        }
        switch backend {
        case .cblas(let library) where library.accepts(largest: max(m, n, k, lda, ldb, ldc)):
            // The thread count is process-wide in every CBLAS; setting it per call (nanoseconds) keeps GEMM
            // values with different thread counts honest.
            library.setThreadCount(threadCount)
            library.sgemm(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        case .cblas, .portable:
            PortableGEMM.multiply(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, threadCount: threadCount)
        }
    }

    /// Checks the sizes and strides of a product; returns `false` when no product is needed (an empty `C`, or
    /// `k == 0` or `alpha == 0`: then `C = beta * C` has been applied).
    private func needsProduct(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float, lda: Int, ldb: Int, beta: Float,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) -> Bool {
        precondition(m >= 0 && n >= 0 && k >= 0, "GEMM sizes must not be negative: m \(m), n \(n), k \(k)")
        guard m > 0, n > 0 else { return false }
        precondition(ldc >= n, "GEMM ldc \(ldc) is smaller than n \(n)")
        guard k > 0, alpha != 0 else {
            PortableGEMM.scale(m: m, n: n, beta: beta, c: c, ldc: ldc)
            return false
        }
        precondition(lda >= (transposeA ? m : k), "GEMM lda \(lda) is smaller than the stored row width of A")
        precondition(ldb >= (transposeB ? k : n), "GEMM ldb \(ldb) is smaller than the stored row width of B")
        return true
    }
}
