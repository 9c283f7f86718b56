#include "VAECFNativeKernels.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

#define KERNEL __attribute__((target("avx2,fma")))
/// Columns of one register tile: two 8-float vectors.
#define TILE 16
#define VECTORS (TILE / 8)
/// Rows of the register tile: 4 rows x 2 vectors = 8 accumulators (as many as the fused multiply-add latency
/// needs), plus 2 weight vectors, a broadcast and the tail masks: no spills in the loop.
#define GROUP 4
/// Rows of W per pass (the partial sums wait in the output between chunks): a chunk of a tile stays in the
/// first-level cache for the passes of all row groups.
#ifndef DEPTH_CHUNK
#define DEPTH_CHUNK 64
#endif
#ifndef PREFETCH_TILES
#define PREFETCH_TILES 4
#endif

/// Lane masks for the vectors of a tile of `width` columns (0 < width <= TILE): lanes past width are off.
KERNEL static inline void tile_masks(long width, __m256i masks[VECTORS]) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    for (int part = 0; part < VECTORS; part++) {
        masks[part] = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(width - 8 * part)), lanes);
    }
}

/// `count` (1 ... 4, a constant after inlining) input rows against the rows 0 ..< depth of one tile of columns
/// starting at `w`: sums[j][v] = partial[j][v] + sum over r in order of x_j[r] * W[r, 8v ..< 8v + 8], fused
/// multiply-adds, where partial is zero (`resume` 0) or the sums of the previous depth chunk, stored at
/// output + j * ldo. `masked`: the tile is the ragged last one; lanes past its width load as zero and are
/// never stored. The prefetch brings the next tile's cache lines in while this one is computed.
__attribute__((always_inline)) KERNEL static inline void rows_tile(
    const float *w, long depth, long ldw, const float *x, long ldx, int count, int masked, const __m256i masks[VECTORS],
    int resume, const float *output, long ldo, __m256 sums[GROUP][VECTORS]) {
    __m256 a[GROUP][VECTORS];
    for (int j = 0; j < GROUP; j++) {
        for (int v = 0; v < VECTORS; v++) {
            if (j < count && resume) {
                a[j][v] = masked ? _mm256_maskload_ps(output + j * ldo + 8 * v, masks[v])
                                 : _mm256_loadu_ps(output + j * ldo + 8 * v);
            } else {
                a[j][v] = _mm256_setzero_ps();
            }
        }
    }
    for (long r = 0; r < depth; r++, w += ldw) {
        __m256 w0, w1;
        if (masked) {
            w0 = _mm256_maskload_ps(w + 0, masks[0]);
            w1 = _mm256_maskload_ps(w + 8, masks[1]);
        } else {
            _mm_prefetch((const char *)(w + PREFETCH_TILES * TILE), _MM_HINT_T0);
            w0 = _mm256_loadu_ps(w + 0);
            w1 = _mm256_loadu_ps(w + 8);
        }
        for (int j = 0; j < count; j++) {
            __m256 b = _mm256_broadcast_ss(x + j * ldx + r);
            a[j][0] = _mm256_fmadd_ps(b, w0, a[j][0]);
            a[j][1] = _mm256_fmadd_ps(b, w1, a[j][1]);
        }
    }
    for (int j = 0; j < count; j++) {
        for (int v = 0; v < VECTORS; v++) sums[j][v] = a[j][v];
    }
}

/// Adds the bias (if any: pass NULL for a partial sum) to `count` rows of sums and stores the first `width`
/// columns of each at output + j * ldo (output and bias already at the tile's first column).
KERNEL static inline void store_tile(
    __m256 sums[GROUP][VECTORS], int count, long width, const float *bias, float *output, long ldo) {
    for (int j = 0; j < count; j++) {
        float *target = output + j * ldo;
        if (width == TILE) {
            for (int v = 0; v < VECTORS; v++) {
                __m256 value = sums[j][v];
                if (bias) value = _mm256_add_ps(value, _mm256_loadu_ps(bias + 8 * v));
                _mm256_storeu_ps(target + 8 * v, value);
            }
        } else {
            float values[TILE];
            for (int v = 0; v < VECTORS; v++) _mm256_storeu_ps(values + 8 * v, sums[j][v]);
            for (long column = 0; column < width; column++) {
                target[column] = bias ? values[column] + bias[column] : values[column];
            }
        }
    }
}

/// One depth chunk of one tile for `count` rows of x (1 ... 4, a constant after inlining); `resume`: continue
/// the sums stored by the previous chunk; `bias`: the last chunk adds it (NULL otherwise, or for none).
__attribute__((always_inline)) KERNEL static inline void group_tile(
    const float *w, long depth, long ldw, const float *x, long ldx, int count, long width, int resume,
    const float *bias, float *output, long ldo) {
    __m256 sums[GROUP][VECTORS];
    __m256i masks[VECTORS];
    if (width < TILE) {
        tile_masks(width, masks);
        rows_tile(w, depth, ldw, x, ldx, count, 1, masks, resume, output, ldo, sums);
    } else {
        rows_tile(w, depth, ldw, x, ldx, count, 0, masks, resume, output, ldo, sums);
    }
    store_tile(sums, count, width, bias, output, ldo);
}

KERNEL void vaecf_float_multiply_rows(
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

void vaecf_float_multiply_rows(
    const float *w, long depth, long ldw, long first_column, long end_column, const float *x, long ldx, long m,
    const float *bias, float *output, long ldo) {
    (void)w; (void)depth; (void)ldw; (void)first_column; (void)end_column; (void)x; (void)ldx; (void)m;
    (void)bias; (void)output; (void)ldo;
}

#endif
