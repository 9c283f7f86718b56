import Foundation
import VAECFCompute
import VAECFCore

/// The output layer `W [width, items]`, `b [items]` of a model at an inference precision: float32 runs the
/// ``SmallBatchProduct`` kernel on a copy of `W` packed once for up to ``SmallBatchProduct/rowLimit`` users and
/// the engine's GEMM above; float16 keeps a half-precision copy of `W` and accumulates in float32.
struct OutputLayer: @unchecked Sendable {
    // @unchecked: the pointers address the parameters of a model that the owner keeps alive and never changes.
    let precision: InferencePrecision
    /// `[width, items]` in the model's parameters.
    let weight: UnsafePointer<Float>
    /// `[items]` in the model's parameters.
    let bias: UnsafePointer<Float>
    let width: Int
    let itemCount: Int
    /// The half-precision copy for `.float16`.
    let half: HalfPrecisionMatrix?
    /// The bfloat16 copy for `.bfloat16` (every row count runs on it).
    let bfloat16: BFloat16Matrix?
    /// The float32 product for a few users (float32 only).
    let smallBatch: SmallBatchProduct?

    /// - Parameter executor: packs the weights for `.float32`, quantizes them for `.float16` and `.bfloat16`.
    init(model: MultVAE, precision: InferencePrecision, executor: ParallelExecutor) {
        let layer = model.layout.decoder[model.layout.decoder.count - 1]
        let tensor = model.layout.tensors[layer.weight]
        self.precision = precision
        weight = UnsafePointer(model.tensor(layer.weight))
        bias = UnsafePointer(model.tensor(layer.bias))
        width = tensor.rows
        itemCount = tensor.columns
        half =
            precision == .float16
            ? HalfPrecisionMatrix(weight, rows: tensor.rows, columns: tensor.columns, ld: tensor.columns) : nil
        bfloat16 =
            precision == .bfloat16
            ? BFloat16Matrix(weight, rows: tensor.rows, columns: tensor.columns, ld: tensor.columns, executor: executor)
            : nil
        smallBatch =
            precision == .float32
            ? SmallBatchProduct(weight: weight, depth: width, columns: itemCount, ldw: itemCount, executor: executor)
            : nil
    }

    /// Floats of scratch that ``apply(engine:model:input:rows:output:scratch:decoded:)`` needs.
    var scratchCount: Int { half?.scratchCount ?? 0 }

    /// The float16 weights decoded to a float32 `[width, items]` copy (both workers), for calls that score many
    /// blocks of users: one decoding per call instead of one per block.
    func decodedWeights(executor: ParallelExecutor) -> FloatBuffer? {
        guard let half else { return nil }
        let decoded = FloatBuffer(count: width * itemCount)
        half.decode(columns: 0, width: itemCount, into: decoded.pointer, ld: itemCount, executor: executor)
        return decoded
    }

    /// `output[rows, items] = input[rows, width] * W + b`; with `decoded` (from ``decodedWeights(executor:)``)
    /// float16 products of more than a few rows run on it. With `deferringBias`, the GEMM paths leave `+ b` to
    /// the caller (who adds it in a pass of its own over each row, with the same values): returns whether it did.
    @discardableResult
    func apply(
        engine: MultVAEEngine, model: MultVAE, input: UnsafePointer<Float>, rows: Int,
        output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, decoded: FloatBuffer? = nil,
        deferringBias: Bool = false
    ) -> Bool {
        if let bfloat16 {
            bfloat16.multiply(
                input: input, m: rows, lda: width, bias: bias, output: output, ldc: itemCount, executor: engine.executor
            )
            return false
        }
        let gemmWeights: UnsafePointer<Float>? =
            if let half {
                rows > half.streamingRowLimit ? decoded.map { UnsafePointer($0.pointer) } : nil
            } else {
                rows > (smallBatch?.rowLimit ?? 0) ? weight : nil
            }
        if let gemmWeights {
            engine.gemm.multiply(
                transposeA: false, transposeB: false, m: rows, n: itemCount, k: width, alpha: 1, a: input, lda: width,
                b: gemmWeights, ldb: itemCount, beta: 0, c: output, ldc: itemCount)
            if deferringBias { return true }
            engine.outputLayer(model).addBiasAndActivate(
                parameters: model.parameters.pointer, output: output, rows: rows)
        } else if let half {
            half.multiply(
                input: input, m: rows, lda: width, bias: bias, output: output, ldc: itemCount, gemm: engine.gemm,
                executor: engine.executor, scratch: scratch)
        } else if let smallBatch {
            smallBatch.multiply(
                input: input, m: rows, lda: width, bias: bias, output: output, ldc: itemCount, executor: engine.executor
            )
        }
        return false
    }
}
