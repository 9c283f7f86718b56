#include "VAECFNativeKernels.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#include <string.h>

#define TILE 32
#define KERNEL __attribute__((target("avx2,fma,f16c")))

KERNEL void vaecf_half_multiply_row(
    const uint16_t *storage, long rows, long columns, long first_tile, long end_tile, const float *x,
    const float *bias, float *output) {
    for (long tile = first_tile; tile < end_tile; tile++) {
        const __m128i *line = (const __m128i *)(storage + tile * rows * TILE);
        __m256 sum0 = _mm256_setzero_ps(), sum1 = _mm256_setzero_ps();
        __m256 sum2 = _mm256_setzero_ps(), sum3 = _mm256_setzero_ps();
        for (long row = 0; row < rows; row++) {
            __m256 scale = _mm256_broadcast_ss(x + row);
            sum0 = _mm256_fmadd_ps(scale, _mm256_cvtph_ps(_mm_load_si128(line + 0)), sum0);
            sum1 = _mm256_fmadd_ps(scale, _mm256_cvtph_ps(_mm_load_si128(line + 1)), sum1);
            sum2 = _mm256_fmadd_ps(scale, _mm256_cvtph_ps(_mm_load_si128(line + 2)), sum2);
            sum3 = _mm256_fmadd_ps(scale, _mm256_cvtph_ps(_mm_load_si128(line + 3)), sum3);
            line += 4;
        }
        long first = tile * TILE;
        long width = columns - first < TILE ? columns - first : TILE;
        float values[TILE];
        _mm256_storeu_ps(values + 0, sum0);
        _mm256_storeu_ps(values + 8, sum1);
        _mm256_storeu_ps(values + 16, sum2);
        _mm256_storeu_ps(values + 24, sum3);
        if (bias) {
            for (long column = 0; column < width; column++) output[first + column] = values[column] + bias[first + column];
        } else {
            memcpy(output + first, values, (size_t)width * sizeof(float));
        }
    }
}

/// Four input rows against half a tile (16 columns) starting at `line` (already offset to the half):
/// sums[j] = x_j . W[:, 16 columns] for j in 0 ..< 4, two vectors each, rows in order with fused multiply-adds
/// (the same operations, in the same order, as vaecf_half_multiply_row for each column).
KERNEL static inline void four_rows_half_tile(
    const __m128i *line, long rows, const float *x, long ldx, __m256 sums[4][2]) {
    __m256 a00 = _mm256_setzero_ps(), a01 = _mm256_setzero_ps(), a10 = _mm256_setzero_ps(), a11 = _mm256_setzero_ps();
    __m256 a20 = _mm256_setzero_ps(), a21 = _mm256_setzero_ps(), a30 = _mm256_setzero_ps(), a31 = _mm256_setzero_ps();
    const float *x0 = x, *x1 = x + ldx, *x2 = x + 2 * ldx, *x3 = x + 3 * ldx;
    for (long row = 0; row < rows; row++, line += 4) {
        __m256 w0 = _mm256_cvtph_ps(_mm_load_si128(line + 0));
        __m256 w1 = _mm256_cvtph_ps(_mm_load_si128(line + 1));
        __m256 b = _mm256_broadcast_ss(x0 + row);
        a00 = _mm256_fmadd_ps(b, w0, a00);
        a01 = _mm256_fmadd_ps(b, w1, a01);
        b = _mm256_broadcast_ss(x1 + row);
        a10 = _mm256_fmadd_ps(b, w0, a10);
        a11 = _mm256_fmadd_ps(b, w1, a11);
        b = _mm256_broadcast_ss(x2 + row);
        a20 = _mm256_fmadd_ps(b, w0, a20);
        a21 = _mm256_fmadd_ps(b, w1, a21);
        b = _mm256_broadcast_ss(x3 + row);
        a30 = _mm256_fmadd_ps(b, w0, a30);
        a31 = _mm256_fmadd_ps(b, w1, a31);
    }
    sums[0][0] = a00; sums[0][1] = a01; sums[1][0] = a10; sums[1][1] = a11;
    sums[2][0] = a20; sums[2][1] = a21; sums[3][0] = a30; sums[3][1] = a31;
}

KERNEL void vaecf_half_multiply_rows(
    const uint16_t *storage, long rows, long columns, long first_tile, long end_tile, const float *x, long ldx,
    long m, const float *bias, float *output, long ldo) {
    long grouped = m - m % 4;
    for (long tile = first_tile; tile < end_tile; tile++) {
        const __m128i *base = (const __m128i *)(storage + tile * rows * TILE);
        long first = tile * TILE;
        long width = columns - first < TILE ? columns - first : TILE;
        for (long group = 0; group < grouped; group += 4) {
            for (int half = 0; half < 2; half++) {
                __m256 sums[4][2];
                four_rows_half_tile(base + 2 * half, rows, x + group * ldx, ldx, sums);
                long start = 16 * half;
                if (start >= width) break;
                long count = width - start < 16 ? width - start : 16;
                for (int j = 0; j < 4; j++) {
                    float values[16];
                    _mm256_storeu_ps(values, sums[j][0]);
                    _mm256_storeu_ps(values + 8, sums[j][1]);
                    float *target = output + (group + j) * ldo + first + start;
                    for (long column = 0; column < count; column++) {
                        target[column] = bias ? values[column] + bias[first + start + column] : values[column];
                    }
                }
            }
        }
        for (long row = grouped; row < m; row++) {
            vaecf_half_multiply_row(storage, rows, columns, tile, tile + 1, x + row * ldx, bias, output + row * ldo);
        }
    }
}

KERNEL void vaecf_half_decode(
    const uint16_t *storage, long rows, long columns, long first_column, long width, float *output, long ld) {
    (void)columns;
    for (long start = 0; start < width; start += TILE) {
        long tile = (first_column + start) / TILE;
        long tile_width = width - start < TILE ? width - start : TILE;
        const __m128i *line = (const __m128i *)(storage + tile * rows * TILE);
        for (long row = 0; row < rows; row++, line += 4) {
            float *target = output + row * ld + start;
            if (tile_width == TILE) {
                _mm256_storeu_ps(target + 0, _mm256_cvtph_ps(_mm_load_si128(line + 0)));
                _mm256_storeu_ps(target + 8, _mm256_cvtph_ps(_mm_load_si128(line + 1)));
                _mm256_storeu_ps(target + 16, _mm256_cvtph_ps(_mm_load_si128(line + 2)));
                _mm256_storeu_ps(target + 24, _mm256_cvtph_ps(_mm_load_si128(line + 3)));
            } else {
                float values[TILE];
                _mm256_storeu_ps(values + 0, _mm256_cvtph_ps(_mm_load_si128(line + 0)));
                _mm256_storeu_ps(values + 8, _mm256_cvtph_ps(_mm_load_si128(line + 1)));
                _mm256_storeu_ps(values + 16, _mm256_cvtph_ps(_mm_load_si128(line + 2)));
                _mm256_storeu_ps(values + 24, _mm256_cvtph_ps(_mm_load_si128(line + 3)));
                memcpy(target, values, (size_t)tile_width * sizeof(float));
            }
        }
    }
}

#else

void vaecf_half_multiply_row(
    const uint16_t *storage, long rows, long columns, long first_tile, long end_tile, const float *x,
    const float *bias, float *output) {
    (void)storage; (void)rows; (void)columns; (void)first_tile; (void)end_tile; (void)x; (void)bias; (void)output;
}

void vaecf_half_multiply_rows(
    const uint16_t *storage, long rows, long columns, long first_tile, long end_tile, const float *x, long ldx,
    long m, const float *bias, float *output, long ldo) {
    (void)storage; (void)rows; (void)columns; (void)first_tile; (void)end_tile; (void)x; (void)ldx; (void)m;
    (void)bias; (void)output; (void)ldo;
}

void vaecf_half_decode(
    const uint16_t *storage, long rows, long columns, long first_column, long width, float *output, long ld) {
    (void)storage; (void)rows; (void)columns; (void)first_column; (void)width; (void)output; (void)ld;
}

#endif
