#ifndef VAECF_NATIVE_KERNELS_H
#define VAECF_NATIVE_KERNELS_H

#include <stdint.h>

/// Inference kernels written for AVX2, FMA and F16C instructions (and one for AVX-512F), compiled for them
/// function by function (target attributes), so the rest of the package stays baseline x86-64 and runs on any
/// CPU. Call them only when vaecf_native_kernels_available() (vaecf_avx512_kernels_available() for the
/// AVX-512 one) returns 1; on other CPUs and architectures it returns 0 and the kernels do nothing. The Swift callers (VAECFCompute) fall back to portable SIMD code then.

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

/// For the tiles first_tile ..< end_tile of a [rows, columns] matrix:
/// output[c] = bias[c] + sum over r of x[r] * W[r, c], for every column c of those tiles below columns
/// (bias may be NULL). Accumulates in float with fused multiply-adds, rows in order.
void vaecf_half_multiply_row(
    const uint16_t *storage, long rows, long columns, long first_tile, long end_tile, const float *x,
    const float *bias, float *output);

/// vaecf_half_multiply_row for the m rows x[j * ldx ..< j * ldx + rows] into output + j * ldo, tile by
/// tile (a tile is read from memory once for all rows), four rows at a time; every value is the one
/// vaecf_half_multiply_row gives.
void vaecf_half_multiply_rows(
    const uint16_t *storage, long rows, long columns, long first_tile, long end_tile, const float *x, long ldx,
    long m, const float *bias, float *output, long ldo);

/// Decodes W[0 ..< rows, first_column ..< first_column + width] to floats into output (row stride ld).
/// first_column must be a multiple of 32.
void vaecf_half_decode(
    const uint16_t *storage, long rows, long columns, long first_column, long width, float *output, long ld);

// MARK: Float32 weights, few input rows

/// For the columns first_column ..< end_column of a row-major float matrix W [depth, ldw] (row stride ldw) and
/// the m input rows x[j * ldx ..< j * ldx + depth]: output[j * ldo + c] = sum over r of x_j[r] * W[r, c], plus
/// bias[c] when bias is not NULL. Each sum is formed in float from zero with fused multiply-adds, r in order,
/// and the bias added last, so a value depends neither on m, nor on the columns of the call, nor on the other
/// rows, nor on the kernel below (AVX2 and AVX-512 give the same bits). W is read once per column tile for
/// all rows (four rows per pass over the tile; the later passes hit the cache): for small m (up to about 16),
/// where a GEMM's packing of W costs about as much as the products.
///
/// AVX2 + FMA (tiles of 16 columns; see vaecf_native_kernels_available).
void vaecf_float_multiply_rows(
    const float *w, long depth, long ldw, long first_column, long end_column, const float *x, long ldx, long m,
    const float *bias, float *output, long ldo);

/// 1 when this CPU (and the operating system) supports AVX-512F; 0 otherwise.
int vaecf_avx512_kernels_available(void);

/// vaecf_float_multiply_rows with AVX-512F (tiles of 64 columns); the same values.
void vaecf_float_multiply_rows_avx512(
    const float *w, long depth, long ldw, long first_column, long end_column, const float *x, long ldx, long m,
    const float *bias, float *output, long ldo);

// MARK: Softmax

/// maxima[c] = the largest of x[c * chunk ..< min(count, (c + 1) * chunk)], NaN ignored (-infinity when
/// there is no number). Returns the largest of all. chunk must be a positive multiple of 8.
float vaecf_chunk_maxima(const float *x, long count, long chunk, float *maxima);

/// The sum of exp(x[i] - shift) over x[0 ..< count], for shift >= every x[i]: the exponential is a degree-6
/// polynomial after range reduction (relative error below 2e-7; arguments below -87.3 count as -87.3),
/// accumulated in 8 float lanes per 1024 values, then in double.
double vaecf_sum_exp_shifted(const float *x, long count, float shift);

/// Copies the entries of x[0 ..< count] that are >= threshold (NaN never is), in order, to scores and their
/// positions to items; returns how many. Both outputs must hold count values.
long vaecf_gather_at_least(const float *x, long count, float threshold, float *scores, int32_t *items);

#ifdef __cplusplus
}
#endif

#endif
