import VAECFNativeKernels

/// Which sets of C kernels (`VAECFNativeKernels`) this CPU runs, read once.
package enum NativeKernelSupport {
    /// AVX2, FMA and F16C.
    package static let avx2 = vaecf_native_kernels_available() != 0
    /// AVX-512F as well (its kernels give the values of the AVX2 ones).
    package static let avx512 = avx2 && vaecf_avx512_kernels_available() != 0
}
