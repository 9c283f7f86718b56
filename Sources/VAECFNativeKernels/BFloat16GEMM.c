#include "VAECFNativeKernels.h"

#include <stdlib.h>
#include <string.h>

/// Rows and columns of a register tile: MR rows x NV vectors of 16 columns (12 x 32: 24 accumulators).
#ifndef MR
#define MR 12
#endif
#ifndef NV
#define NV 2
#endif
#define NR (16 * NV)
/// Depth of a block in pairs (640 values of k, so the 600-deep products of Mult-VAE take one block): a B
/// micro-panel (40 KB) stays in L1 while the A micro-panels (15 KB each) stream from L2. Measured on AMD Zen 4
/// (one thread, [2048 x 600] x [600 x 26744] and its two transposes): 128 pairs 118-158 GFLOP/s, 256 pairs
/// 142-206, 320 pairs 137-227, 512 pairs 164-241 (a loaded machine).
#ifndef KC_PAIRS
#define KC_PAIRS 320
#endif
/// Rows of op(A) packed at a time (a multiple of MR): the packed block (360 KB) lives in L2.
#define MC 288
/// Columns of op(B) packed at a time (a multiple of NR): the packed block (2.5 MB) is read from L3.
#define NC 2048

long vaecf_bf16_workspace_bytes(void) {
    return (long)MC * KC_PAIRS * 4 + (long)NC * KC_PAIRS * 4 + 128;
}

/// The bfloat16 nearest to x, ties to even, in the low 16 bits; NaN stays NaN (quiet).
static inline uint32_t bf16_bits(float x) {
    uint32_t u;
    memcpy(&u, &x, 4);
    if ((u & 0x7FFFFFFFu) > 0x7F800000u) return (u >> 16) | 0x40u;
    return (u + 0x7FFFu + ((u >> 16) & 1u)) >> 16;
}

uint16_t vaecf_bf16_from_float(float x) { return (uint16_t)bf16_bits(x); }

float vaecf_float_from_bf16(uint16_t x) {
    uint32_t u = (uint32_t)x << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

void vaecf_bf16_round_floats(const float *x, long count, float *output) {
    for (long i = 0; i < count; i++) output[i] = vaecf_float_from_bf16((uint16_t)bf16_bits(x[i]));
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

#define KERNEL __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16")))
#define INLINE __attribute__((always_inline)) static inline
#if defined(__clang__)
#define UNROLL _Pragma("clang loop unroll(full)")
#else
#define UNROLL _Pragma("GCC unroll 16")
#endif

int vaecf_bf16_kernels_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bf16");
}

int vaecf_bf16_feature_mask(void) {
    __builtin_cpu_init();
    return (__builtin_cpu_supports("avx512f") ? 1 : 0) | (__builtin_cpu_supports("avx512bw") ? 2 : 0)
        | (__builtin_cpu_supports("avx512vl") ? 4 : 0) | (__builtin_cpu_supports("avx512bf16") ? 8 : 0);
}

/// A workspace of at least `bytes` bytes owned by the calling thread, kept for its later calls (the workers
/// of a training loop call the kernels thousands of times: fresh megabytes each time cost page faults); NULL
/// when memory runs out.
static void *thread_workspace(long bytes) {
    static __thread void *buffer = NULL;
    static __thread long capacity = 0;
    if (bytes > capacity) {
        free(buffer);
        buffer = malloc((size_t)bytes);
        capacity = buffer ? bytes : 0;
    }
    return buffer;
}

/// vaecf_bf16_from_float on 16 lanes: the bfloat16 in the low half of each 32-bit lane.
INLINE KERNEL __m512i round_lanes(__m512 x) {
    __m512i u = _mm512_castps_si512(x);
    __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(u, 16), _mm512_set1_epi32(1));
    __m512i rounded = _mm512_srli_epi32(_mm512_add_epi32(u, _mm512_add_epi32(lsb, _mm512_set1_epi32(0x7FFF))), 16);
    __mmask16 nan = _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q);
    __m512i quiet = _mm512_or_si512(_mm512_srli_epi32(u, 16), _mm512_set1_epi32(0x40));
    return _mm512_mask_mov_epi32(rounded, nan, quiet);
}

/// Pairs (low: the even step, high: the odd one) from two 16-lane vectors of the two steps.
INLINE KERNEL __m512i pair_lanes(__m512 even, __m512 odd) {
    return _mm512_or_si512(round_lanes(even), _mm512_slli_epi32(round_lanes(odd), 16));
}

INLINE __mmask16 lane_mask(long count) {
    return count >= 16 ? (__mmask16)0xFFFF : (count <= 0 ? (__mmask16)0 : (__mmask16)((1u << count) - 1));
}

/// A line of operand values: floats (rounded as they are read) or bfloat16 bits (copied).
typedef struct {
    const void *values;
    int bits;  // 1: uint16_t bfloat16 bits; 0: float
} line_source;

/// The bfloat16 bits of element `index` of `source`.
static inline uint32_t source_bits(line_source source, long index) {
    return source.bits ? ((const uint16_t *)source.values)[index] : bf16_bits(((const float *)source.values)[index]);
}

/// The source advanced by `count` elements.
static inline line_source source_offset(line_source source, long count) {
    source.values = (const char *)source.values + count * (source.bits ? 2 : 4);
    return source;
}

/// 16 lanes (those of mask; the others 0) of `source` from element `index`: bfloat16 bits in the low halves.
INLINE KERNEL __m512i source_lanes(line_source source, long index, __mmask16 mask) {
    if (source.bits) return _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(mask, (const uint16_t *)source.values + index));
    return round_lanes(_mm512_maskz_loadu_ps(mask, (const float *)source.values + index));
}

/// Writes the pairs of one line of `depth` steps (step p at element p * step) to out[q * stride], q = 0 ... : the
/// column of a panel, in pairs along the depth (zero padded). Contiguous lines move 32 steps at a time.
static KERNEL void pack_line(line_source line, long step, long depth, uint32_t *out, long stride) {
    long p = 0;
    if (step == 1) {
        for (; p + 32 <= depth; p += 32) {
            // 32 steps = 16 pairs: bfloat16 bits are the pairs in order; floats are rounded and narrowed.
            uint32_t values[16];
            if (line.bits) {
                _mm512_storeu_si512(values, _mm512_loadu_si512((const uint16_t *)line.values + p));
            } else {
                const float *floats = (const float *)line.values + p;
                _mm256_storeu_si256((__m256i *)values, _mm512_cvtepi32_epi16(round_lanes(_mm512_loadu_ps(floats))));
                _mm256_storeu_si256(
                    (__m256i *)(values + 8), _mm512_cvtepi32_epi16(round_lanes(_mm512_loadu_ps(floats + 16))));
            }
            for (long i = 0; i < 16; i++) out[(p / 2 + i) * stride] = values[i];
        }
    }
    for (; p < depth; p += 2) {
        uint32_t low = source_bits(line, p * step);
        uint32_t high = p + 1 < depth ? source_bits(line, (p + 1) * step) : 0;
        out[(p / 2) * stride] = low | (high << 16);
    }
}

/// Packs op(A)[rows, depth] (rows <= MC; element (r, p) at a[r * rs + p * ds]) into micro-panels of MR rows:
/// panel i, pair q holds MR 32-bit pairs (A[r, 2q], A[r, 2q + 1]) as bfloat16; missing rows and steps are zero.
static KERNEL void pack_a(const float *a, long rs, long ds, long rows, long depth, uint32_t *packed) {
    long pairs = (depth + 1) / 2;
    for (long panel = 0; panel < rows; panel += MR) {
        long count = rows - panel < MR ? rows - panel : MR;
        uint32_t *out = packed + (panel / MR) * pairs * MR;
        if (rs == 1) {
            // Transposed storage: the rows of one step are contiguous.
            __mmask16 mask = lane_mask(count);
            for (long q = 0; q < pairs; q++) {
                const float *even = a + panel + 2 * q * ds;
                __m512 e = _mm512_maskz_loadu_ps(mask, even);
                __m512 o = 2 * q + 1 < depth ? _mm512_maskz_loadu_ps(mask, even + ds) : _mm512_setzero_ps();
                _mm512_mask_storeu_epi32(out + q * MR, (__mmask16)((1u << MR) - 1), pair_lanes(e, o));
            }
        } else {
            for (long r = 0; r < MR; r++) {
                if (r >= count) {
                    for (long q = 0; q < pairs; q++) out[q * MR + r] = 0;
                } else {
                    pack_line((line_source){a + (panel + r) * rs, 0}, ds, depth, out + r, MR);
                }
            }
        }
    }
}

/// Packs op(B)[depth, columns] (columns <= NC; element (p, c) at element p * ds + c * cs of b) into micro-panels
/// of NR columns: panel j, pair q holds NR 32-bit pairs (B[2q, c], B[2q + 1, c]); missing columns and steps are
/// zero. B is floats (rounded to bfloat16 here) or bfloat16 bits (a copy already rounded: copied).
static KERNEL void pack_b(line_source b, long ds, long cs, long depth, long columns, uint32_t *packed) {
    long pairs = (depth + 1) / 2;
    for (long panel = 0; panel < columns; panel += NR) {
        long count = columns - panel < NR ? columns - panel : NR;
        uint32_t *out = packed + (panel / NR) * pairs * NR;
        if (cs == 1) {
            for (long q = 0; q < pairs; q++) {
                long even = 2 * q * ds + panel;
                int has_odd = 2 * q + 1 < depth;
                for (int v = 0; v < NV; v++) {
                    __mmask16 mask = lane_mask(count - 16 * v);
                    __m512i e = source_lanes(b, even + 16 * v, mask);
                    __m512i o = has_odd ? source_lanes(b, even + ds + 16 * v, mask) : _mm512_setzero_si512();
                    _mm512_storeu_si512(out + q * NR + 16 * v, _mm512_or_si512(e, _mm512_slli_epi32(o, 16)));
                }
            }
        } else {
            for (long c = 0; c < NR; c++) {
                if (c >= count) {
                    for (long q = 0; q < pairs; q++) out[q * NR + c] = 0;
                } else {
                    pack_line(source_offset(b, (panel + c) * cs), ds, depth, out + c, NR);
                }
            }
        }
    }
}

KERNEL void vaecf_bf16_from_floats(const float *x, long count, uint16_t *output) {
    long i = 0;
    for (; i + 16 <= count; i += 16) {
        _mm256_storeu_si256((__m256i *)(output + i), _mm512_cvtepi32_epi16(round_lanes(_mm512_loadu_ps(x + i))));
    }
    if (i < count) {
        __mmask16 mask = lane_mask(count - i);
        __m512i rounded = round_lanes(_mm512_maskz_loadu_ps(mask, x + i));
        _mm256_mask_storeu_epi16(output + i, mask, _mm512_cvtepi32_epi16(rounded));
    }
}

/// R rows (R <= MR, a constant after inlining) of one tile: acc = sum over the pairs of the panels (vdpbf16ps,
/// float accumulation, pairs in order), then C = alpha * acc + beta * C (+ bias when not NULL) for the valid
/// columns (beta == 0: C is not read). A panels hold MR values per pair whatever R is.
INLINE KERNEL void tile_rows(
    const int R, long pairs, const uint32_t *a, const uint32_t *b, float alpha, float beta, const float *bias,
    float *c, long ldc, long columns) {
    // The loops over r and v are unrolled so that the accumulators live in registers.
    __m512 acc[MR][NV];
    UNROLL for (int r = 0; r < R; r++)
        UNROLL for (int v = 0; v < NV; v++) acc[r][v] = _mm512_setzero_ps();
    for (long q = 0; q < pairs; q++) {
        __m512bh bv[NV];
        UNROLL for (int v = 0; v < NV; v++) bv[v] = (__m512bh)_mm512_loadu_si512(b + q * NR + 16 * v);
        const uint32_t *aq = a + q * MR;
        UNROLL for (int r = 0; r < R; r++) {
            __m512bh x = (__m512bh)_mm512_set1_epi32((int)aq[r]);
            UNROLL for (int v = 0; v < NV; v++) acc[r][v] = _mm512_dpbf16_ps(acc[r][v], x, bv[v]);
        }
    }
    __m512 alpha_vector = _mm512_set1_ps(alpha), beta_vector = _mm512_set1_ps(beta);
    for (int v = 0; v < NV; v++) {
        __mmask16 mask = lane_mask(columns - 16 * v);
        __m512 bias_vector = bias ? _mm512_maskz_loadu_ps(mask, bias + 16 * v) : _mm512_setzero_ps();
        for (int r = 0; r < R; r++) {
            float *target = c + r * ldc + 16 * v;
            __m512 value = _mm512_mul_ps(alpha_vector, acc[r][v]);
            if (beta != 0) value = _mm512_fmadd_ps(beta_vector, _mm512_maskz_loadu_ps(mask, target), value);
            if (bias) value = _mm512_add_ps(value, bias_vector);
            _mm512_mask_storeu_ps(target, mask, value);
        }
    }
}

#define TILE_VARIANT(R) \
    static KERNEL void tile_##R(long pairs, const uint32_t *a, const uint32_t *b, float alpha, float beta, \
                                const float *bias, float *c, long ldc, long columns) { \
        tile_rows(R, pairs, a, b, alpha, beta, bias, c, ldc, columns); \
    }
TILE_VARIANT(1) TILE_VARIANT(2) TILE_VARIANT(3) TILE_VARIANT(4) TILE_VARIANT(5) TILE_VARIANT(6)
TILE_VARIANT(7) TILE_VARIANT(8) TILE_VARIANT(9) TILE_VARIANT(10) TILE_VARIANT(11) TILE_VARIANT(12)

typedef void (*tile_function)(long, const uint32_t *, const uint32_t *, float, float, const float *, float *, long, long);
static const tile_function tiles[13] = {
    0, tile_1, tile_2, tile_3, tile_4, tile_5, tile_6, tile_7, tile_8, tile_9, tile_10, tile_11, tile_12,
};

/// The tile of `rows` (1 ... MR) rows: only the valid rows are computed.
INLINE void tile(
    long pairs, const uint32_t *a, const uint32_t *b, float alpha, float beta, const float *bias, float *c, long ldc,
    long rows, long columns) {
    tiles[rows](pairs, a, b, alpha, beta, bias, c, ldc, columns);
}

/// vaecf_bf16_gemm_block with B given in float or as bfloat16 bits (line_source).
static KERNEL void gemm_block(
    int transpose_a, int transpose_b, long row_start, long row_end, long column_start, long column_end, long k,
    float alpha, const float *a, long lda, line_source b, long ldb, float beta, float *c, long ldc,
    void *workspace) {
    long a_rs = transpose_a ? 1 : lda, a_ds = transpose_a ? lda : 1;
    long b_ds = transpose_b ? 1 : ldb, b_cs = transpose_b ? ldb : 1;
    if (!workspace) workspace = thread_workspace(vaecf_bf16_workspace_bytes());
    if (!workspace) return;
    uintptr_t base = ((uintptr_t)workspace + 63) & ~(uintptr_t)63;
    uint32_t *packed_a = (uint32_t *)base;
    uint32_t *packed_b = packed_a + (long)MC * KC_PAIRS;
    long kc = 2 * KC_PAIRS;
    for (long jc = column_start; jc < column_end; jc += NC) {
        long nc = column_end - jc < NC ? column_end - jc : NC;
        for (long pc = 0; pc < k; pc += kc) {
            long depth = k - pc < kc ? k - pc : kc;
            long pairs = (depth + 1) / 2;
            pack_b(source_offset(b, pc * b_ds + jc * b_cs), b_ds, b_cs, depth, nc, packed_b);
            // The first depth block applies beta; later ones accumulate into C.
            float block_beta = pc == 0 ? beta : 1.0f;
            for (long ic = row_start; ic < row_end; ic += MC) {
                long mc = row_end - ic < MC ? row_end - ic : MC;
                pack_a(a + ic * a_rs + pc * a_ds, a_rs, a_ds, mc, depth, packed_a);
                for (long jr = 0; jr < nc; jr += NR) {
                    const uint32_t *b_panel = packed_b + (jr / NR) * pairs * NR;
                    long columns = nc - jr < NR ? nc - jr : NR;
                    for (long ir = 0; ir < mc; ir += MR) {
                        tile(pairs, packed_a + (ir / MR) * pairs * MR, b_panel, alpha, block_beta, NULL,
                             c + (ic + ir) * ldc + jc + jr, ldc, mc - ir < MR ? mc - ir : MR, columns);
                    }
                }
            }
        }
    }
}

void vaecf_bf16_gemm_block(
    int transpose_a, int transpose_b, long row_start, long row_end, long column_start, long column_end, long k,
    float alpha, const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc,
    void *workspace) {
    gemm_block(transpose_a, transpose_b, row_start, row_end, column_start, column_end, k, alpha, a, lda,
               (line_source){b, 0}, ldb, beta, c, ldc, workspace);
}

void vaecf_bf16_gemm_block_bf16_b(
    int transpose_a, int transpose_b, long row_start, long row_end, long column_start, long column_end, long k,
    float alpha, const float *a, long lda, const uint16_t *b, long ldb, float beta, float *c, long ldc,
    void *workspace) {
    gemm_block(transpose_a, transpose_b, row_start, row_end, column_start, column_end, k, alpha, a, lda,
               (line_source){b, 1}, ldb, beta, c, ldc, workspace);
}

long vaecf_bf16_packed_bytes(long depth, long columns) {
    return ((columns + NR - 1) / NR) * ((depth + 1) / 2) * NR * 4;
}

long vaecf_bf16_packed_workspace_bytes(long depth) {
    return (long)MC * ((depth + 1) / 2) * 4 + 128;
}

void vaecf_bf16_pack_weights(
    const float *weights, long depth, long columns, long ld, long first_panel, long end_panel, void *packed) {
    long pairs = (depth + 1) / 2;
    for (long panel = first_panel; panel < end_panel; panel++) {
        long start = panel * NR;
        long width = columns - start < NR ? columns - start : NR;
        pack_b((line_source){weights + start, 0}, ld, 1, depth, width, (uint32_t *)packed + panel * pairs * NR);
    }
}

void vaecf_bf16_packed_multiply(
    const void *packed, long depth, long columns, long first_panel, long end_panel, const float *x, long ldx, long m,
    const float *bias, float *output, long ldo, void *workspace) {
    long pairs = (depth + 1) / 2;
    if (!workspace) workspace = thread_workspace(vaecf_bf16_packed_workspace_bytes(depth));
    if (!workspace) return;
    uintptr_t base = ((uintptr_t)workspace + 63) & ~(uintptr_t)63;
    uint32_t *packed_a = (uint32_t *)base;
    const uint32_t *weights = (const uint32_t *)packed;
    for (long ic = 0; ic < m; ic += MC) {
        long mc = m - ic < MC ? m - ic : MC;
        pack_a(x + ic * ldx, ldx, 1, mc, depth, packed_a);
        for (long panel = first_panel; panel < end_panel; panel++) {
            long start = panel * NR;
            long width = columns - start < NR ? columns - start : NR;
            const uint32_t *b_panel = weights + panel * pairs * NR;
            for (long ir = 0; ir < mc; ir += MR) {
                tile(pairs, packed_a + (ir / MR) * pairs * MR, b_panel, 1.0f, 0.0f, bias ? bias + start : NULL,
                     output + (ic + ir) * ldo + start, ldo, mc - ir < MR ? mc - ir : MR, width);
            }
        }
    }
}

#else

int vaecf_bf16_kernels_available(void) { return 0; }

void vaecf_bf16_from_floats(const float *x, long count, uint16_t *output) {
    for (long i = 0; i < count; i++) output[i] = (uint16_t)bf16_bits(x[i]);
}

void vaecf_bf16_gemm_block_bf16_b(
    int transpose_a, int transpose_b, long row_start, long row_end, long column_start, long column_end, long k,
    float alpha, const float *a, long lda, const uint16_t *b, long ldb, float beta, float *c, long ldc,
    void *workspace) {}

int vaecf_bf16_feature_mask(void) { return 0; }

void vaecf_bf16_gemm_block(
    int transpose_a, int transpose_b, long row_start, long row_end, long column_start, long column_end, long k,
    float alpha, const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc,
    void *workspace) {}

long vaecf_bf16_packed_bytes(long depth, long columns) { return 0; }

long vaecf_bf16_packed_workspace_bytes(long depth) { return 0; }

void vaecf_bf16_pack_weights(
    const float *weights, long depth, long columns, long ld, long first_panel, long end_panel, void *packed) {}

void vaecf_bf16_packed_multiply(
    const void *packed, long depth, long columns, long first_panel, long end_panel, const float *x, long ldx, long m,
    const float *bias, float *output, long ldo, void *workspace) {}

#endif
