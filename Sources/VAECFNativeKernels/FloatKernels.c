#include "VAECFNativeKernels.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

#define KERNEL __attribute__((target("avx2,fma,f16c")))
#define INLINE __attribute__((always_inline)) static inline
/// Input rows per pass over a half tile (16 columns): 4 rows x 2 vectors = 8 accumulators, plus 2 weight
/// vectors and a broadcast: no spills among AVX2's 16 registers.
#define GROUP 4
/// Columns of a tile, for float32 (VAECF_PACKED_TILE) and half-precision storage alike.
#define TILE 32

/// Lane masks of the 8-float vectors of `width` columns (lanes at or past width are off).
KERNEL static inline __m256i lane_mask(long width) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)width), lanes);
}

/// Columns `offset ..< offset + 16` of row r of a tile as two 8-float vectors: float32 tiles are loaded,
/// half-precision ones converted (vcvtph2ps); `half` is a constant after inlining.
INLINE KERNEL void load_line(const void *tile, long r, long offset, int half, __m256 *low, __m256 *high) {
    if (half) {
        const __m128i *line = (const __m128i *)((const uint16_t *)tile + r * TILE + offset);
        *low = _mm256_cvtph_ps(_mm_load_si128(line));
        *high = _mm256_cvtph_ps(_mm_load_si128(line + 1));
    } else {
        const float *line = (const float *)tile + r * TILE + offset;
        *low = _mm256_load_ps(line);
        *high = _mm256_load_ps(line + 8);
    }
}

/// `count` (1 ... 4, a constant after inlining) input rows against columns `offset ..< offset + 16` of one tile:
/// sums from zero with fused multiply-adds, r in order, bias added last, the first `width` (1 ... 16) columns
/// stored at output + j * ldo.
INLINE KERNEL void rows_half_tile(
    const void *tile, int half, long offset, long depth, const float *x, long ldx, int count, const float *bias,
    float *output, long ldo, long width) {
    __m256 sums[GROUP][2];
    for (int j = 0; j < GROUP; j++) {
        sums[j][0] = _mm256_setzero_ps();
        sums[j][1] = _mm256_setzero_ps();
    }
    for (long r = 0; r < depth; r++) {
        __m256 low, high;
        load_line(tile, r, offset, half, &low, &high);
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

/// The tiles first_tile ..< end_tile of `storage` (tile t at t * depth * 32 elements) for all m rows, each half
/// tile in groups of 4 rows, then the 1 to 3 left over.
INLINE KERNEL void multiply_tiles(
    const void *storage, int half, long depth, long columns, long first_tile, long end_tile, const float *x,
    long ldx, long m, const float *bias, float *output, long ldo) {
    for (long index = first_tile; index < end_tile; index++) {
        const void *tile = half ? (const void *)((const uint16_t *)storage + index * depth * TILE)
                                : (const void *)((const float *)storage + index * depth * TILE);
        for (long offset = 0; offset < TILE; offset += 16) {
            long first = index * TILE + offset;
            if (first >= columns) break;
            long width = columns - first < 16 ? columns - first : 16;
            const float *part_bias = bias ? bias + first : 0;
            long group = 0;
            for (; group + GROUP <= m; group += GROUP) {
                rows_half_tile(tile, half, offset, depth, x + group * ldx, ldx, GROUP, part_bias,
                               output + group * ldo + first, ldo, width);
            }
            const float *rest_x = x + group * ldx;
            float *rest = output + group * ldo + first;
            switch (m - group) {
            case 1: rows_half_tile(tile, half, offset, depth, rest_x, ldx, 1, part_bias, rest, ldo, width); break;
            case 2: rows_half_tile(tile, half, offset, depth, rest_x, ldx, 2, part_bias, rest, ldo, width); break;
            case 3: rows_half_tile(tile, half, offset, depth, rest_x, ldx, 3, part_bias, rest, ldo, width); break;
            default: break;
            }
        }
    }
}

KERNEL void vaecf_packed_multiply_rows(
    const float *packed, long depth, long columns, long first_tile, long end_tile, const float *x, long ldx, long m,
    const float *bias, float *output, long ldo) {
    multiply_tiles(packed, 0, depth, columns, first_tile, end_tile, x, ldx, m, bias, output, ldo);
}

KERNEL void vaecf_half_multiply_rows(
    const uint16_t *storage, long rows, long columns, long first_tile, long end_tile, const float *x, long ldx,
    long m, const float *bias, float *output, long ldo) {
    multiply_tiles(storage, 1, rows, columns, first_tile, end_tile, x, ldx, m, bias, output, ldo);
}

#else

void vaecf_packed_multiply_rows(
    const float *packed, long depth, long columns, long first_tile, long end_tile, const float *x, long ldx, long m,
    const float *bias, float *output, long ldo) {
    (void)packed; (void)depth; (void)columns; (void)first_tile; (void)end_tile; (void)x; (void)ldx; (void)m;
    (void)bias; (void)output; (void)ldo;
}

void vaecf_half_multiply_rows(
    const uint16_t *storage, long rows, long columns, long first_tile, long end_tile, const float *x, long ldx,
    long m, const float *bias, float *output, long ldo) {
    (void)storage; (void)rows; (void)columns; (void)first_tile; (void)end_tile; (void)x; (void)ldx; (void)m;
    (void)bias; (void)output; (void)ldo;
}

#endif
