#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The LAPACK routines of the loaded CBLAS library that EASE uses: the Cholesky factorization `spotrf_` and the
/// inverse from it, `spotri_` (OpenBLAS and MKL export both; BLIS does not). Bound with `dlsym` from the same
/// handle as `cblas_sgemm`, with the library's integer width; the Fortran hidden length of the `uplo` argument
/// is passed as well (gfortran's calling convention, harmless elsewhere).
struct LAPACKRoutines: @unchecked Sendable {
    // @unchecked: immutable C function pointers.
    typealias Routine32 =
        @convention(c) (
            UnsafePointer<CChar>?, UnsafePointer<Int32>?, UnsafeMutablePointer<Float>?, UnsafePointer<Int32>?,
            UnsafeMutablePointer<Int32>?, Int
        ) -> Void
    typealias Routine64 =
        @convention(c) (
            UnsafePointer<CChar>?, UnsafePointer<Int64>?, UnsafeMutablePointer<Float>?, UnsafePointer<Int64>?,
            UnsafeMutablePointer<Int64>?, Int
        ) -> Void

    enum Pair {
        case lp64(factor: Routine32, invert: Routine32)
        case ilp64(factor: Routine64, invert: Routine64)
    }

    let pair: Pair

    /// The routines of `handle`, or nil when it lacks one of them.
    init?(handle: UnsafeMutableRawPointer, wideIntegers: Bool) {
        guard let factor = dlsym(handle, "spotrf_"), let invert = dlsym(handle, "spotri_") else { return nil }
        pair =
            wideIntegers
            ? .ilp64(
                factor: unsafeBitCast(factor, to: Routine64.self), invert: unsafeBitCast(invert, to: Routine64.self))
            : .lp64(
                factor: unsafeBitCast(factor, to: Routine32.self), invert: unsafeBitCast(invert, to: Routine32.self))
    }

    /// Replaces one triangle of the symmetric positive definite `[n, n]` matrix `a` by the same triangle of its
    /// inverse (`spotrf` then `spotri`, lower triangle in column-major order: the upper triangle in row-major
    /// order). Returns LAPACK's `info`: 0 on success, `k > 0` when the leading minor of order `k` is not
    /// positive definite.
    func invertSymmetric(_ a: UnsafeMutablePointer<Float>, count n: Int) -> Int {
        var uplo = CChar(UInt8(ascii: "L"))
        switch pair {
        case .lp64(let factor, let invert):
            var size = Int32(n)
            var info: Int32 = 0
            factor(&uplo, &size, a, &size, &info, 1)
            if info == 0 { invert(&uplo, &size, a, &size, &info, 1) }
            return Int(info)
        case .ilp64(let factor, let invert):
            var size = Int64(n)
            var info: Int64 = 0
            factor(&uplo, &size, a, &size, &info, 1)
            if info == 0 { invert(&uplo, &size, a, &size, &info, 1) }
            return Int(info)
        }
    }
}
