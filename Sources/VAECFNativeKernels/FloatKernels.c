#include "VAECFNativeKernels.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

#define KERNEL __attribute__((target("avx2,fma")))
/// Input rows per pass over a half tile (16 columns): 4 rows x 2 vectors = 8 accumulators, plus 2 weight
/// vectors and a broadcast: no spills among AVX2's 16 registers.
#define GROUP 4

/// Lane masks of the 8-float vectors of `width` columns (lanes at or past width are off).
KERNEL static inline __m256i lane_mask(long width) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)width), lanes);
}

/// `count` (1 ... 4, a constant after inlining) input rows against 16 columns of one packed tile (`line` is the
/// tile's first row, offset to the half): sums from zero with fused multiply-adds, r in order, bias added last,
/// the first `width` (0 ... 16) columns stored at output + j * ldo.
__attribute__((always_inline)) KERNEL static inline void rows_half_tile(
    const float *line, long depth, const float *x, long ldx, int count, const float *bias, float *output, long ldo,
    long width) {
    __m256 sums[GROUP][2];
    for (int j = 0; j < GROUP; j++) {
        sums[j][0] = _mm256_setzero_ps();
        sums[j][1] = _mm256_setzero_ps();
    }
    for (long r = 0; r < depth; r++, line += VAECF_PACKED_TILE) {
        __m256 low = _mm256_load_ps(line), high = _mm256_load_ps(line + 8);
        for (int j = 0; j < count; j++) {
            __m256 scale = _mm256_broadcast_ss(x + j * ldx + r);
            sums[j][0] = _mm256_fmadd_ps(scale, low, sums[j][0]);
            sums[j][1] = _mm256_fmadd_ps(scale, high, sums[j][1]);
        }
    }
    __m256i low_mask = lane_mask(width), high_mask = lane_mask(width - 8);
    for (int j = 0; j < count; j++) {
        __m256 low = sums[j][0], high = sums[j][1];
        if (bias) {
            low = _mm256_add_ps(low, _mm256_maskload_ps(bias, low_mask));
            high = _mm256_add_ps(high, _mm256_maskload_ps(bias + 8, high_mask));
        }
        _mm256_maskstore_ps(output + j * ldo, low_mask, low);
        _mm256_maskstore_ps(output + j * ldo + 8, high_mask, high);
    }
}

KERNEL void vaecf_packed_multiply_rows(
    const float *packed, long depth, long columns, long first_tile, long end_tile, const float *x, long ldx, long m,
    const float *bias, float *output, long ldo) {
    for (long index = first_tile; index < end_tile; index++) {
        const float *tile = packed + index * depth * VAECF_PACKED_TILE;
        for (long half = 0; half < VAECF_PACKED_TILE; half += 16) {
            long first = index * VAECF_PACKED_TILE + half;
            if (first >= columns) break;
            long width = columns - first < 16 ? columns - first : 16;
            const float *line = tile + half;
            const float *half_bias = bias ? bias + first : 0;
            long group = 0;
            for (; group + GROUP <= m; group += GROUP) {
                rows_half_tile(line, depth, x + group * ldx, ldx, GROUP, half_bias, output + group * ldo + first, ldo,
                               width);
            }
            const float *rest_x = x + group * ldx;
            float *rest_output = output + group * ldo + first;
            switch (m - group) {
            case 1: rows_half_tile(line, depth, rest_x, ldx, 1, half_bias, rest_output, ldo, width); break;
            case 2: rows_half_tile(line, depth, rest_x, ldx, 2, half_bias, rest_output, ldo, width); break;
            case 3: rows_half_tile(line, depth, rest_x, ldx, 3, half_bias, rest_output, ldo, width); break;
            default: break;
            }
        }
    }
}

#else

void vaecf_packed_multiply_rows(
    const float *packed, long depth, long columns, long first_tile, long end_tile, const float *x, long ldx, long m,
    const float *bias, float *output, long ldo) {
    (void)packed; (void)depth; (void)columns; (void)first_tile; (void)end_tile; (void)x; (void)ldx; (void)m;
    (void)bias; (void)output; (void)ldo;
}

#endif
