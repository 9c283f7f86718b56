#ifndef VAECF_NATIVE_KERNELS_H
#define VAECF_NATIVE_KERNELS_H

#include <stdint.h>

/// Inference kernels written for AVX2, FMA and F16C instructions (and AVX-512F versions), compiled for them
/// function by function (target attributes), so the rest of the package stays baseline x86-64 and runs on any
/// CPU. Call them only when vaecf_native_kernels_available() (vaecf_avx512_kernels_available() for the
/// AVX-512 ones) returns 1; on other CPUs and architectures it returns 0 and the kernels do nothing. The Swift callers (VAECFCompute) fall back to portable SIMD code then.

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when this CPU (and the operating system) supports AVX2, FMA and F16C; 0 otherwise.
int vaecf_native_kernels_available(void);

// MARK: Half-precision weights
//
// Storage layout (see HalfPrecisionMatrix): column tiles of 32 columns; tile t holds, row after row, the
// 32 halves W[r, 32t ..< 32t + 32] (64 bytes per row), padded with zeros past the last column. The storage
// is 32-byte aligned.

/// For the tiles first_tile ..< end_tile of a [rows, columns] half-precision matrix and the m input rows
/// x[j * ldx ..< j * ldx + rows]: output[j * ldo + c] = sum over r of x_j[r] * W[r, c], plus bias[c] when bias
/// is not NULL, for the columns c < columns of those tiles: the values of vaecf_packed_multiply_rows on the
/// weights converted to float (each tile read from memory once for all rows; a value depends neither on m nor
/// on the other rows).
void vaecf_half_multiply_rows(
    const uint16_t *storage, long rows, long columns, long first_tile, long end_tile, const float *x, long ldx,
    long m, const float *bias, float *output, long ldo);

/// vaecf_half_multiply_rows with AVX-512F (passes of 8 rows x 32 columns); the same values.
void vaecf_half_multiply_rows_avx512(
    const uint16_t *storage, long rows, long columns, long first_tile, long end_tile, const float *x, long ldx,
    long m, const float *bias, float *output, long ldo);

/// Decodes W[0 ..< rows, first_column ..< first_column + width] to floats into output (row stride ld).
/// first_column must be a multiple of 32.
void vaecf_half_decode(
    const uint16_t *storage, long rows, long columns, long first_column, long width, float *output, long ld);

// MARK: Float32 weights, few input rows

/// Columns of one tile of a packed float32 matrix.
#define VAECF_PACKED_TILE 32

/// A row-major float matrix W [depth, columns] packed for few input rows: tile t holds the columns
/// 32 t ..< 32 t + 32 as a contiguous row-major [depth, 32] block at packed + t * depth * 32, the columns past
/// `columns` zero; `packed` is 64-byte aligned. For the tiles first_tile ..< end_tile and the m input rows
/// x[j * ldx ..< j * ldx + depth]: output[j * ldo + c] = sum over r of x_j[r] * W[r, c], plus bias[c] when bias
/// is not NULL, for the columns c < columns of those tiles. Each sum is formed in float from zero with fused
/// multiply-adds, r in order, and the bias added last, so a value depends neither on m, nor on the tiles of the
/// call, nor on the other rows, nor on the kernel below (AVX2 and AVX-512 give the same bits). Each tile is read
/// from memory once per call and from the cache for the later passes (a few rows per pass): for the tens of
/// rows of a coalesced batch of users, where a GEMM's packing of W costs about as much as the products.
///
/// AVX2 + FMA + F16C (passes of 4 rows x 16 columns; see vaecf_native_kernels_available).
void vaecf_packed_multiply_rows(
    const float *packed, long depth, long columns, long first_tile, long end_tile, const float *x, long ldx, long m,
    const float *bias, float *output, long ldo);

/// 1 when this CPU (and the operating system) supports AVX-512F; 0 otherwise.
int vaecf_avx512_kernels_available(void);

/// vaecf_packed_multiply_rows with AVX-512F (passes of 8 rows x 32 columns); the same values.
void vaecf_packed_multiply_rows_avx512(
    const float *packed, long depth, long columns, long first_tile, long end_tile, const float *x, long ldx, long m,
    const float *bias, float *output, long ldo);

// MARK: Softmax

/// maxima[c] = the largest of x[c * chunk ..< min(count, (c + 1) * chunk)], NaN ignored (-infinity when
/// there is no number). Returns the largest of all. chunk must be a positive multiple of 8.
float vaecf_chunk_maxima(const float *x, long count, long chunk, float *maxima);

/// The sum of exp(x[i] - shift) over x[0 ..< count], for shift >= every x[i]: the exponential is a degree-6
/// polynomial after range reduction (relative error below 2e-7; arguments below -87.3 count as -87.3),
/// accumulated in 8 float lanes per 1024 values, then in double.
double vaecf_sum_exp_shifted(const float *x, long count, float shift);

/// x[i] += bias[i] over x[0 ..< count], with the maxima of vaecf_chunk_maxima of the new values in the same pass.
float vaecf_add_bias_chunk_maxima(float *x, const float *bias, long count, long chunk, float *maxima);

/// Copies the entries of x[0 ..< count] that are >= threshold (NaN never is), in order, to scores and their
/// positions to items; returns how many. Both outputs must hold count values.
long vaecf_gather_at_least(const float *x, long count, float threshold, float *scores, int32_t *items);

/// vaecf_chunk_maxima, vaecf_sum_exp_shifted and vaecf_gather_at_least with AVX-512F: the same results, bit for
/// bit (see vaecf_avx512_kernels_available).
float vaecf_chunk_maxima_avx512(const float *x, long count, long chunk, float *maxima);
double vaecf_sum_exp_shifted_avx512(const float *x, long count, float shift);
long vaecf_gather_at_least_avx512(const float *x, long count, float threshold, float *scores, int32_t *items);
float vaecf_add_bias_chunk_maxima_avx512(float *x, const float *bias, long count, long chunk, float *maxima);

// MARK: bfloat16 products

/// 1 when this CPU (and the operating system) supports AVX-512F, BW, VL and AVX512-BF16 (vdpbf16ps); 0 otherwise.
int vaecf_bf16_kernels_available(void);

/// Which of the instructions the bfloat16 kernels need this CPU has: 1 AVX-512F, 2 AVX-512BW, 4 AVX-512VL,
/// 8 AVX512-BF16 (0 off x86-64).
int vaecf_bf16_feature_mask(void);

/// The bfloat16 nearest to x (ties to even; NaN stays a quiet NaN, infinities stay infinite), as its bits.
uint16_t vaecf_bf16_from_float(float x);

/// The float with the value of the bfloat16 x (exact).
float vaecf_float_from_bf16(uint16_t x);

/// output[i] = x[i] rounded to bfloat16 (vaecf_bf16_from_float) and widened back to float.
void vaecf_bf16_round_floats(const float *x, long count, float *output);

/// Bytes of the workspace that vaecf_bf16_gemm_block needs (packed panels; about 3 MB).
long vaecf_bf16_workspace_bytes(void);

/// C[row_start ..< row_end, column_start ..< column_end] = alpha * op(A) op(B) + beta * C (row-major, the
/// conventions of cblas_sgemm) with op(A) and op(B) rounded to bfloat16 (ties to even) as they are packed, the
/// products accumulated in float (vdpbf16ps: pairs of k in order, depth blocks of 640 in order) and C in float.
/// beta == 0 does not read C. An element's value depends only on the inputs and k, never on the block of C a
/// call computes, so splitting C between threads gives the same bits. workspace: vaecf_bf16_workspace_bytes()
/// bytes owned by the calling thread, or NULL for a buffer the thread keeps for its later calls (about 3 MB per
/// thread that ever calls). Call only when vaecf_bf16_kernels_available().
void vaecf_bf16_gemm_block(
    int transpose_a, int transpose_b, long row_start, long row_end, long column_start, long column_end, long k,
    float alpha, const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc,
    void *workspace);

/// vaecf_bf16_gemm_block with B given as bfloat16 bits (b: uint16 values, row stride ldb, already rounded, e.g.
/// by vaecf_bf16_from_floats): the same panels and the same bits as vaecf_bf16_gemm_block on the float matrix
/// they were rounded from, with half the bytes read and no rounding while B is packed.
void vaecf_bf16_gemm_block_bf16_b(
    int transpose_a, int transpose_b, long row_start, long row_end, long column_start, long column_end, long k,
    float alpha, const float *a, long lda, const uint16_t *b, long ldb, float beta, float *c, long ldc,
    void *workspace);

/// output[i] = vaecf_bf16_from_float(x[i]) for i < count (16 lanes at a time). Call only when
/// vaecf_bf16_kernels_available() (off x86-64: a scalar loop).
void vaecf_bf16_from_floats(const float *x, long count, uint16_t *output);

/// Bytes of a [depth, columns] matrix packed by vaecf_bf16_pack_weights: panels of 32 columns, each holding
/// every pair of rows as 32 pairs of bfloat16 (the last panel padded with zeros).
long vaecf_bf16_packed_bytes(long depth, long columns);

/// Bytes of the workspace of one vaecf_bf16_packed_multiply call for `depth`.
long vaecf_bf16_packed_workspace_bytes(long depth);

/// Packs the panels first_panel ..< end_panel of weights [depth, columns] (row stride ld), rounded to bfloat16
/// (ties to even), into packed (vaecf_bf16_packed_bytes bytes, 64-byte aligned).
void vaecf_bf16_pack_weights(
    const float *weights, long depth, long columns, long ld, long first_panel, long end_panel, void *packed);

/// output[j * ldo + c] = sum over r of bf16(x_j[r]) * W[r, c] (+ bias[c] when not NULL) for the m input rows
/// x_j = x[j * ldx ...] and the columns c < columns of the panels first_panel ..< end_panel: the products and
/// the float accumulation of vaecf_bf16_gemm_block (each value depends only on its row and column). workspace:
/// vaecf_bf16_packed_workspace_bytes(depth) bytes, or NULL for the calling thread's kept buffer. Call only when
/// vaecf_bf16_kernels_available().
void vaecf_bf16_packed_multiply(
    const void *packed, long depth, long columns, long first_panel, long end_panel, const float *x, long ldx, long m,
    const float *bias, float *output, long ldo, void *workspace);

#ifdef __cplusplus
}
#endif

#endif
