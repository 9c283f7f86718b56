#include "VAECFNativeKernels.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#include <math.h>

#define KERNEL __attribute__((target("avx2,fma")))

/// The largest lane of v (NaN lanes never win when v came from _mm256_max_ps(x, acc) folds).
KERNEL static inline float horizontal_maximum(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_extractf128_ps(v, 1), _mm256_castps256_ps128(v));
    m = _mm_max_ps(_mm_movehl_ps(m, m), m);
    m = _mm_max_ss(_mm_shuffle_ps(m, m, 1), m);
    return _mm_cvtss_f32(m);
}

KERNEL float vaecf_chunk_maxima(const float *x, long count, long chunk, float *maxima) {
    float overall = -INFINITY;
    long index = 0;
    for (long c = 0; index < count; c++) {
        long end = index + chunk < count ? index + chunk : count;
        __m256 best = _mm256_set1_ps(-INFINITY);
        // max_ps(x, best) returns best when x is NaN: NaN is ignored.
        for (; index + 8 <= end; index += 8) best = _mm256_max_ps(_mm256_loadu_ps(x + index), best);
        float value = horizontal_maximum(best);
        for (; index < end; index++) {
            if (x[index] > value) value = x[index];
        }
        maxima[c] = value;
        if (value > overall) overall = value;
    }
    return overall;
}

KERNEL float vaecf_add_bias_chunk_maxima(float *x, const float *bias, long count, long chunk, float *maxima) {
    float overall = -INFINITY;
    long index = 0;
    for (long c = 0; index < count; c++) {
        long end = index + chunk < count ? index + chunk : count;
        __m256 best = _mm256_set1_ps(-INFINITY);
        for (; index + 8 <= end; index += 8) {
            __m256 value = _mm256_add_ps(_mm256_loadu_ps(x + index), _mm256_loadu_ps(bias + index));
            _mm256_storeu_ps(x + index, value);
            best = _mm256_max_ps(value, best);
        }
        float value = horizontal_maximum(best);
        for (; index < end; index++) {
            x[index] += bias[index];
            if (x[index] > value) value = x[index];
        }
        maxima[c] = value;
        if (value > overall) overall = value;
    }
    return overall;
}

/// exp(v) for v <= 0 (see the header for the method).
KERNEL static inline __m256 exponential(__m256 v) {
    v = _mm256_max_ps(v, _mm256_set1_ps(-87.33654f));
    const __m256 magic = _mm256_set1_ps(12582912.0f);
    __m256 biased = _mm256_fmadd_ps(v, _mm256_set1_ps(1.44269504f), magic);
    __m256 n = _mm256_sub_ps(biased, magic);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), v);
    r = _mm256_fmadd_ps(n, _mm256_set1_ps(2.1219444e-4f), r);
    __m256 p = _mm256_set1_ps(1.98756915e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    __m256i integer = _mm256_sub_epi32(_mm256_castps_si256(biased), _mm256_castps_si256(magic));
    __m256 power = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(integer, _mm256_set1_epi32(127)), 23));
    return _mm256_mul_ps(p, power);
}

KERNEL double vaecf_sum_exp_shifted(const float *x, long count, float shift) {
    const __m256 shifts = _mm256_set1_ps(shift);
    double total = 0;
    long index = 0;
    while (index + 16 <= count) {
        long end = index + 1024 < count ? index + 1024 : count;
        __m256 sum0 = _mm256_setzero_ps(), sum1 = _mm256_setzero_ps();
        for (; index + 16 <= end; index += 16) {
            sum0 = _mm256_add_ps(sum0, exponential(_mm256_sub_ps(_mm256_loadu_ps(x + index), shifts)));
            sum1 = _mm256_add_ps(sum1, exponential(_mm256_sub_ps(_mm256_loadu_ps(x + index + 8), shifts)));
        }
        float lanes[8];
        _mm256_storeu_ps(lanes, _mm256_add_ps(sum0, sum1));
        for (int lane = 0; lane < 8; lane++) total += lanes[lane];
    }
    // The last 0 to 15 values, padded with -infinity (their lanes are not added).
    for (; index < count; index += 8) {
        long width = count - index < 8 ? count - index : 8;
        float buffer[8] = {-INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY};
        for (long lane = 0; lane < width; lane++) buffer[lane] = x[index + lane];
        _mm256_storeu_ps(buffer, exponential(_mm256_sub_ps(_mm256_loadu_ps(buffer), shifts)));
        for (long lane = 0; lane < width; lane++) total += buffer[lane];
    }
    return total;
}

KERNEL long vaecf_gather_at_least(const float *x, long count, float threshold, float *scores, int32_t *items) {
    const __m256 limit = _mm256_set1_ps(threshold);
    long found = 0;
    long index = 0;
    for (; index + 8 <= count; index += 8) {
        __m256 values = _mm256_loadu_ps(x + index);
        unsigned mask = (unsigned)_mm256_movemask_ps(_mm256_cmp_ps(values, limit, _CMP_GE_OQ));
        while (mask) {
            int lane = __builtin_ctz(mask);
            scores[found] = x[index + lane];
            items[found] = (int32_t)(index + lane);
            found++;
            mask &= mask - 1;
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

long vaecf_gather_at_least(const float *x, long count, float threshold, float *scores, int32_t *items) {
    (void)x; (void)count; (void)threshold; (void)scores; (void)items;
    return 0;
}

float vaecf_chunk_maxima(const float *x, long count, long chunk, float *maxima) {
    (void)x; (void)count; (void)chunk; (void)maxima;
    return 0;
}

double vaecf_sum_exp_shifted(const float *x, long count, float shift) {
    (void)x; (void)count; (void)shift;
    return 0;
}

float vaecf_add_bias_chunk_maxima(float *x, const float *bias, long count, long chunk, float *maxima) {
    (void)x; (void)bias; (void)count; (void)chunk; (void)maxima;
    return 0;
}

#endif
