#include "VAECFNativeKernels.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

#define KERNEL __attribute__((target("avx512f")))
/// Columns of one register tile: four 16-float vectors.
#define TILE 64
#define VECTORS 4
/// Rows of the register tile: 4 rows x 4 vectors = 16 accumulators (of 32 registers).
#define GROUP 4
/// Rows of W per pass (the partial sums wait in the output between chunks): a chunk of a tile stays in the
/// first-level cache for the passes of all row groups.
#ifndef DEPTH_CHUNK
#define DEPTH_CHUNK 32
#endif

/// `count` (1 ... 4, a constant after inlining) input rows against the rows 0 ..< depth of the `width`
/// (1 ... 64) columns starting at `w`: sums[j][v] = partial[j][v] + sum over r in order of
/// x_j[r] * W[r, 16v ..< 16v + 16], fused multiply-adds, where partial is zero (`resume` 0) or the sums of the
/// previous depth chunk, stored at output + j * ldo; lanes past width load as zero.
__attribute__((always_inline)) KERNEL static inline void rows_tile(
    const float *w, long depth, long ldw, const float *x, long ldx, int count, int masked,
    const __mmask16 masks[VECTORS], int resume, const float *output, long ldo, __m512 sums[GROUP][VECTORS]) {
    __m512 a[GROUP][VECTORS];
    for (int j = 0; j < GROUP; j++) {
        for (int v = 0; v < VECTORS; v++) {
            a[j][v] = j < count && resume ? _mm512_maskz_loadu_ps(masks[v], output + j * ldo + 16 * v)
                                          : _mm512_setzero_ps();
        }
    }
    for (long r = 0; r < depth; r++, w += ldw) {
        __m512 weights[VECTORS];
        for (int v = 0; v < VECTORS; v++) {
            weights[v] = masked ? _mm512_maskz_loadu_ps(masks[v], w + 16 * v) : _mm512_loadu_ps(w + 16 * v);
        }
        for (int j = 0; j < count; j++) {
            __m512 b = _mm512_set1_ps(x[j * ldx + r]);
            for (int v = 0; v < VECTORS; v++) a[j][v] = _mm512_fmadd_ps(b, weights[v], a[j][v]);
        }
    }
    for (int j = 0; j < count; j++) {
        for (int v = 0; v < VECTORS; v++) sums[j][v] = a[j][v];
    }
}

/// One depth chunk of one tile for `count` rows (a constant after inlining): the sums plus the bias (if any:
/// NULL but for the last chunk), the first `width` columns stored at output + j * ldo (output and bias already
/// at the tile's first column); `resume`: continue the sums stored by the previous chunk.
__attribute__((always_inline)) KERNEL static inline void group_tile(
    const float *w, long depth, long ldw, const float *x, long ldx, int count, long width, int resume,
    const float *bias, float *output, long ldo) {
    __m512 sums[GROUP][VECTORS];
    __mmask16 masks[VECTORS];
    for (int v = 0; v < VECTORS; v++) {
        long lanes = width - 16 * v;
        masks[v] = lanes >= 16 ? (__mmask16)0xFFFF : lanes <= 0 ? (__mmask16)0 : (__mmask16)((1u << lanes) - 1);
    }
    if (width < TILE) {
        rows_tile(w, depth, ldw, x, ldx, count, 1, masks, resume, output, ldo, sums);
    } else {
        rows_tile(w, depth, ldw, x, ldx, count, 0, masks, resume, output, ldo, sums);
    }
    for (int j = 0; j < count; j++) {
        for (int v = 0; v < VECTORS; v++) {
            __m512 value = sums[j][v];
            if (bias) value = _mm512_add_ps(value, _mm512_maskz_loadu_ps(masks[v], bias + 16 * v));
            _mm512_mask_storeu_ps(output + j * ldo + 16 * v, masks[v], value);
        }
    }
}

KERNEL void vaecf_float_multiply_rows_avx512(
    const float *w, long depth, long ldw, long first_column, long end_column, const float *x, long ldx, long m,
    const float *bias, float *output, long ldo) {
    long grouped = m - m % GROUP;
    long rest = m - grouped;
    for (long first = first_column; first < end_column; first += TILE) {
        long width = end_column - first < TILE ? end_column - first : TILE;
        for (long start = 0; start < depth; start += DEPTH_CHUNK) {
            long length = depth - start < DEPTH_CHUNK ? depth - start : DEPTH_CHUNK;
            const float *panel = w + start * ldw + first;
            const float *chunk_bias = bias && start + length == depth ? bias + first : 0;
            int resume = start > 0;
            for (long group = 0; group < grouped; group += GROUP) {
                group_tile(panel, length, ldw, x + group * ldx + start, ldx, 4, width, resume, chunk_bias,
                           output + group * ldo + first, ldo);
            }
            const float *rest_x = x + grouped * ldx + start;
            float *rest_output = output + grouped * ldo + first;
            switch (rest) {
            case 1: group_tile(panel, length, ldw, rest_x, ldx, 1, width, resume, chunk_bias, rest_output, ldo); break;
            case 2: group_tile(panel, length, ldw, rest_x, ldx, 2, width, resume, chunk_bias, rest_output, ldo); break;
            case 3: group_tile(panel, length, ldw, rest_x, ldx, 3, width, resume, chunk_bias, rest_output, ldo); break;
            default: break;
            }
        }
    }
}

#else

void vaecf_float_multiply_rows_avx512(
    const float *w, long depth, long ldw, long first_column, long end_column, const float *x, long ldx, long m,
    const float *bias, float *output, long ldo) {
    (void)w; (void)depth; (void)ldw; (void)first_column; (void)end_column; (void)x; (void)ldx; (void)m;
    (void)bias; (void)output; (void)ldo;
}

#endif
