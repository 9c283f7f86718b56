#include "VAECFNativeKernels.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#include <math.h>

#define KERNEL __attribute__((target("avx512f")))

KERNEL float vaecf_chunk_maxima_avx512(const float *x, long count, long chunk, float *maxima) {
    float overall = -INFINITY;
    long index = 0;
    for (long c = 0; index < count; c++) {
        long end = index + chunk < count ? index + chunk : count;
        __m512 best = _mm512_set1_ps(-INFINITY);
        // max_ps(x, best) returns best when x is NaN: NaN is ignored (masked-off lanes load as -infinity).
        for (; index + 16 <= end; index += 16) best = _mm512_max_ps(_mm512_loadu_ps(x + index), best);
        if (index < end) {
            __mmask16 mask = (__mmask16)((1u << (end - index)) - 1);
            best = _mm512_max_ps(_mm512_mask_loadu_ps(_mm512_set1_ps(-INFINITY), mask, x + index), best);
            index = end;
        }
        float value = _mm512_reduce_max_ps(best);
        maxima[c] = value;
        if (value > overall) overall = value;
    }
    return overall;
}

KERNEL float vaecf_add_bias_chunk_maxima_avx512(float *x, const float *bias, long count, long chunk, float *maxima) {
    float overall = -INFINITY;
    long index = 0;
    for (long c = 0; index < count; c++) {
        long end = index + chunk < count ? index + chunk : count;
        __m512 best = _mm512_set1_ps(-INFINITY);
        for (; index + 16 <= end; index += 16) {
            __m512 value = _mm512_add_ps(_mm512_loadu_ps(x + index), _mm512_loadu_ps(bias + index));
            _mm512_storeu_ps(x + index, value);
            best = _mm512_max_ps(value, best);
        }
        if (index < end) {
            __mmask16 mask = (__mmask16)((1u << (end - index)) - 1);
            __m512 value = _mm512_add_ps(_mm512_maskz_loadu_ps(mask, x + index), _mm512_maskz_loadu_ps(mask, bias + index));
            _mm512_mask_storeu_ps(x + index, mask, value);
            best = _mm512_max_ps(_mm512_mask_blend_ps(mask, _mm512_set1_ps(-INFINITY), value), best);
            index = end;
        }
        float value = _mm512_reduce_max_ps(best);
        maxima[c] = value;
        if (value > overall) overall = value;
    }
    return overall;
}

/// exp(v) for v <= 0: the operations of the AVX2 kernel (SoftmaxKernels.c), lane for lane.
KERNEL static inline __m512 exponential(__m512 v) {
    v = _mm512_max_ps(v, _mm512_set1_ps(-87.33654f));
    const __m512 magic = _mm512_set1_ps(12582912.0f);
    __m512 biased = _mm512_fmadd_ps(v, _mm512_set1_ps(1.44269504f), magic);
    __m512 n = _mm512_sub_ps(biased, magic);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), v);
    r = _mm512_fmadd_ps(n, _mm512_set1_ps(2.1219444e-4f), r);
    __m512 p = _mm512_set1_ps(1.98756915e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    __m512i integer = _mm512_sub_epi32(_mm512_castps_si512(biased), _mm512_castps_si512(magic));
    __m512 power = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(integer, _mm512_set1_epi32(127)), 23));
    return _mm512_mul_ps(p, power);
}

/// vaecf_sum_exp_shifted with 16-float vectors: lane j of the one accumulator sums what lane j % 8 of the AVX2
/// kernel's accumulator j / 8 sums, and the halves are added as that kernel adds its two accumulators, so the
/// result is the same, bit for bit.
KERNEL double vaecf_sum_exp_shifted_avx512(const float *x, long count, float shift) {
    const __m512 shifts = _mm512_set1_ps(shift);
    double total = 0;
    long index = 0;
    while (index + 16 <= count) {
        long end = index + 1024 < count ? index + 1024 : count;
        __m512 sum = _mm512_setzero_ps();
        for (; index + 16 <= end; index += 16) {
            sum = _mm512_add_ps(sum, exponential(_mm512_sub_ps(_mm512_loadu_ps(x + index), shifts)));
        }
        float lanes[8];
        _mm256_storeu_ps(lanes, _mm256_add_ps(_mm512_castps512_ps256(sum), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(sum), 1))));
        for (int lane = 0; lane < 8; lane++) total += lanes[lane];
    }
    // The last 0 to 15 values, 8 at a time as the AVX2 kernel takes them (its exponential, the same values).
    for (; index < count; index += 8) {
        long width = count - index < 8 ? count - index : 8;
        float buffer[16];
        for (long lane = 0; lane < 16; lane++) buffer[lane] = lane < width ? x[index + lane] : -INFINITY;
        _mm512_storeu_ps(buffer, exponential(_mm512_sub_ps(_mm512_loadu_ps(buffer), shifts)));
        for (long lane = 0; lane < width; lane++) total += buffer[lane];
    }
    return total;
}

KERNEL long vaecf_gather_at_least_avx512(const float *x, long count, float threshold, float *scores, int32_t *items) {
    const __m512 limit = _mm512_set1_ps(threshold);
    const __m512i lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    long found = 0;
    long index = 0;
    for (; index + 16 <= count; index += 16) {
        __m512 values = _mm512_loadu_ps(x + index);
        __mmask16 mask = _mm512_cmp_ps_mask(values, limit, _CMP_GE_OQ);
        if (mask) {
            _mm512_mask_compressstoreu_ps(scores + found, mask, values);
            _mm512_mask_compressstoreu_epi32(items + found, mask, _mm512_add_epi32(lanes, _mm512_set1_epi32((int)index)));
            found += __builtin_popcount((unsigned)mask);
        }
    }
    for (; index < count; index++) {
        if (x[index] >= threshold) {
            scores[found] = x[index];
            items[found] = (int32_t)index;
            found++;
        }
    }
    return found;
}

#else

float vaecf_chunk_maxima_avx512(const float *x, long count, long chunk, float *maxima) {
    (void)x; (void)count; (void)chunk; (void)maxima;
    return 0;
}

double vaecf_sum_exp_shifted_avx512(const float *x, long count, float shift) {
    (void)x; (void)count; (void)shift;
    return 0;
}

float vaecf_add_bias_chunk_maxima_avx512(float *x, const float *bias, long count, long chunk, float *maxima) {
    (void)x; (void)bias; (void)count; (void)chunk; (void)maxima;
    return 0;
}

long vaecf_gather_at_least_avx512(const float *x, long count, float threshold, float *scores, int32_t *items) {
    (void)x; (void)count; (void)threshold; (void)scores; (void)items;
    return 0;
}

#endif
