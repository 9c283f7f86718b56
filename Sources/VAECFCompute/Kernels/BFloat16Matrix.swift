import VAECFCore
import VAECFNativeKernels

/// A row-major float matrix `W [rows, columns]` rounded to bfloat16 (ties to even) and packed once for
/// products `C[m, columns] = bf16(A)[m, rows] * W (+ bias)` with float32 accumulation (`vdpbf16ps`): the
/// output layer of `recommend` / `serve --precision bfloat16`. Half the bytes of float32 per query, and twice
/// the multiply-adds per instruction of float32 fused multiply-adds.
///
/// Layout: panels of 32 columns, each holding every pair of rows as 32 pairs of bfloat16 (the kernels'
/// operand layout; see `vaecf_bf16_pack_weights`). A value depends only on its row of `A` and its column,
/// never on `m` or the split between threads.
package final class BFloat16Matrix: @unchecked Sendable {
    // @unchecked: `storage` is written only in `init` and freed in `deinit`; products only read it.

    /// Columns per panel.
    static let panelColumns = 32
    package let rows: Int
    package let columns: Int
    let panelCount: Int
    let storage: UnsafeMutableRawPointer

    /// Rounds and packs `weights [rows, columns]` (row stride `ld >= columns`), panels split between the workers.
    /// Needs AVX512-BF16 (``ComputePrecision/missingInstructions(for:)`` is empty for `.bfloat16`).
    package init(_ weights: UnsafePointer<Float>, rows: Int, columns: Int, ld: Int, executor: ParallelExecutor) {
        precondition(BFloat16Products.isSupported, "bfloat16 weights need AVX512-BF16")
        precondition(rows >= 1 && columns >= 1 && ld >= columns, "invalid matrix shape \(rows) x \(columns), ld \(ld)")
        self.rows = rows
        self.columns = columns
        panelCount = (columns + Self.panelColumns - 1) / Self.panelColumns
        storage = UnsafeMutableRawPointer.allocate(byteCount: vaecf_bf16_packed_bytes(rows, columns), alignment: 64)
        let target = UncheckedSendable(storage)
        executor.forEachChunk(count: panelCount, minimumChunk: 16) { _, panels in
            vaecf_bf16_pack_weights(weights, rows, columns, ld, panels.lowerBound, panels.upperBound, target.value)
        }
    }

    deinit { storage.deallocate() }

    /// Bytes of the packed weights.
    package var byteCount: Int { vaecf_bf16_packed_bytes(rows, columns) }

    /// `output[m, columns] = bf16(input)[m, rows] * W + bias` (`bias [columns]` or nil), row strides `lda`,
    /// `ldc`; the column panels split between the workers.
    package func multiply(
        input: UnsafePointer<Float>, m: Int, lda: Int, bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
        ldc: Int, executor: ParallelExecutor
    ) {
        guard m > 0 else { return }
        let operands = UncheckedSendable((storage, output))
        executor.forEachChunk(count: panelCount, minimumChunk: 8) { _, panels in
            let (storage, output) = operands.value
            vaecf_bf16_packed_multiply(
                storage, rows, columns, panels.lowerBound, panels.upperBound, input, lda, m, bias, output, ldc, nil)
        }
    }
}
