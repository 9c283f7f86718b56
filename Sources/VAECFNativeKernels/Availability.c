#include "VAECFNativeKernels.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))

int vaecf_native_kernels_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
}

int vaecf_avx512_kernels_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
}

#else

int vaecf_native_kernels_available(void) { return 0; }

int vaecf_avx512_kernels_available(void) { return 0; }

#endif
