#include "VAECFNativeKernels.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

#define KERNEL __attribute__((target("avx512f")))
#define INLINE __attribute__((always_inline)) static inline
/// Input rows per pass over a tile: 8 rows x 2 vectors = 16 accumulators (of 32 registers).
#define GROUP 8
/// Columns of a tile, for float32 (VAECF_PACKED_TILE) and half-precision storage alike.
#define TILE 32

/// Row r of a tile as two 16-float vectors: float32 tiles are loaded, half-precision ones converted
/// (vcvtph2ps); `half` is a constant after inlining.
INLINE KERNEL void load_line(const void *tile, long r, int half, __m512 *low, __m512 *high) {
    if (half) {
        const __m256i *line = (const __m256i *)((const uint16_t *)tile + r * TILE);
        *low = _mm512_cvtph_ps(_mm256_load_si256(line));
        *high = _mm512_cvtph_ps(_mm256_load_si256(line + 1));
    } else {
        const float *line = (const float *)tile + r * TILE;
        *low = _mm512_load_ps(line);
        *high = _mm512_load_ps(line + 16);
    }
}

/// `count` (1 ... 8) input rows against one tile [depth, 32]: each of the 32 x count sums is formed from zero
/// with fused multiply-adds, r in order; the bias (if any) is added last and the columns of the masks are stored
/// at output + j * ldo. Two weight vectors and `count` broadcasts feed 2 x count multiply-adds per row of the
/// tile: the fused multiply-add units, not the loads, set the pace. `count` and `half` are constants after
/// inlining.
INLINE KERNEL void rows_tile(
    const void *tile, int half, long depth, const float *x, long ldx, int count, const float *bias, float *output,
    long ldo, __mmask16 low_mask, __mmask16 high_mask) {
    __m512 sums[GROUP][2];
    for (int j = 0; j < GROUP; j++) {
        sums[j][0] = _mm512_setzero_ps();
        sums[j][1] = _mm512_setzero_ps();
    }
    for (long r = 0; r < depth; r++) {
        __m512 low, high;
        load_line(tile, r, half, &low, &high);
        for (int j = 0; j < count; j++) {
            __m512 scale = _mm512_set1_ps(x[j * ldx + r]);
            sums[j][0] = _mm512_fmadd_ps(scale, low, sums[j][0]);
            sums[j][1] = _mm512_fmadd_ps(scale, high, sums[j][1]);
        }
    }
    for (int j = 0; j < count; j++) {
        __m512 low = sums[j][0], high = sums[j][1];
        if (bias) {
            low = _mm512_add_ps(low, _mm512_maskz_loadu_ps(low_mask, bias));
            high = _mm512_add_ps(high, _mm512_maskz_loadu_ps(high_mask, bias + 16));
        }
        _mm512_mask_storeu_ps(output + j * ldo, low_mask, low);
        _mm512_mask_storeu_ps(output + j * ldo + 16, high_mask, high);
    }
}

/// The tiles first_tile ..< end_tile of `storage` (tile t at t * depth * 32 elements) for all m rows: groups of
/// 8 rows, then the 1 to 7 left over.
INLINE KERNEL void multiply_tiles(
    const void *storage, int half, long depth, long columns, long first_tile, long end_tile, const float *x,
    long ldx, long m, const float *bias, float *output, long ldo) {
    for (long index = first_tile; index < end_tile; index++) {
        long first = index * TILE;
        long width = columns - first < TILE ? columns - first : TILE;
        __mmask16 low_mask = width >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << width) - 1);
        __mmask16 high_mask = width >= 32 ? (__mmask16)0xFFFF
            : width <= 16 ? (__mmask16)0 : (__mmask16)((1u << (width - 16)) - 1);
        const void *tile = half ? (const void *)((const uint16_t *)storage + index * depth * TILE)
                                : (const void *)((const float *)storage + index * depth * TILE);
        const float *tile_bias = bias ? bias + first : 0;
        long group = 0;
        for (; group + GROUP <= m; group += GROUP) {
            rows_tile(tile, half, depth, x + group * ldx, ldx, GROUP, tile_bias, output + group * ldo + first, ldo,
                      low_mask, high_mask);
        }
        const float *rest_x = x + group * ldx;
        float *rest = output + group * ldo + first;
        switch (m - group) {
        case 1: rows_tile(tile, half, depth, rest_x, ldx, 1, tile_bias, rest, ldo, low_mask, high_mask); break;
        case 2: rows_tile(tile, half, depth, rest_x, ldx, 2, tile_bias, rest, ldo, low_mask, high_mask); break;
        case 3: rows_tile(tile, half, depth, rest_x, ldx, 3, tile_bias, rest, ldo, low_mask, high_mask); break;
        case 4: rows_tile(tile, half, depth, rest_x, ldx, 4, tile_bias, rest, ldo, low_mask, high_mask); break;
        case 5: rows_tile(tile, half, depth, rest_x, ldx, 5, tile_bias, rest, ldo, low_mask, high_mask); break;
        case 6: rows_tile(tile, half, depth, rest_x, ldx, 6, tile_bias, rest, ldo, low_mask, high_mask); break;
        case 7: rows_tile(tile, half, depth, rest_x, ldx, 7, tile_bias, rest, ldo, low_mask, high_mask); break;
        default: break;
        }
    }
}

KERNEL void vaecf_packed_multiply_rows_avx512(
    const float *packed, long depth, long columns, long first_tile, long end_tile, const float *x, long ldx, long m,
    const float *bias, float *output, long ldo) {
    multiply_tiles(packed, 0, depth, columns, first_tile, end_tile, x, ldx, m, bias, output, ldo);
}

KERNEL void vaecf_half_multiply_rows_avx512(
    const uint16_t *storage, long rows, long columns, long first_tile, long end_tile, const float *x, long ldx,
    long m, const float *bias, float *output, long ldo) {
    multiply_tiles(storage, 1, rows, columns, first_tile, end_tile, x, ldx, m, bias, output, ldo);
}

#else

void vaecf_packed_multiply_rows_avx512(
    const float *packed, long depth, long columns, long first_tile, long end_tile, const float *x, long ldx, long m,
    const float *bias, float *output, long ldo) {
    (void)packed; (void)depth; (void)columns; (void)first_tile; (void)end_tile; (void)x; (void)ldx; (void)m;
    (void)bias; (void)output; (void)ldo;
}

void vaecf_half_multiply_rows_avx512(
    const uint16_t *storage, long rows, long columns, long first_tile, long end_tile, const float *x, long ldx,
    long m, const float *bias, float *output, long ldo) {
    (void)storage; (void)rows; (void)columns; (void)first_tile; (void)end_tile; (void)x; (void)ldx; (void)m;
    (void)bias; (void)output; (void)ldo;
}

#endif
