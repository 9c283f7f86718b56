import VAECFNativeKernels

/// Which sets of C kernels (`VAECFNativeKernels`) this CPU runs, read once.
public enum NativeKernelSupport {
    /// AVX2, FMA and F16C.
    public static let avx2 = vaecf_native_kernels_available() != 0
    /// AVX-512F as well (its kernels give the values of the AVX2 ones).
    public static let avx512 = avx2 && vaecf_avx512_kernels_available() != 0
}
