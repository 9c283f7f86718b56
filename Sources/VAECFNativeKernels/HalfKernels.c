#include "VAECFNativeKernels.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#include <string.h>

#define TILE 32
#define KERNEL __attribute__((target("avx2,fma,f16c")))

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

void vaecf_half_decode(
    const uint16_t *storage, long rows, long columns, long first_column, long width, float *output, long ld) {
    (void)storage; (void)rows; (void)columns; (void)first_column; (void)width; (void)output; (void)ld;
}

#endif
