import Foundation
import VAECFCompute
import VAECFCore

/// The output layer `W [width, items]`, `b [items]` of a model at an inference precision: float32 runs the
/// engine's GEMM (or, for one user, the CBLAS's matrix-vector routine, which does not pack `W`); float16 keeps
/// a half-precision copy of `W` and accumulates in float32.
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
    let vector: VectorMatrixProduct

    init(model: MultVAE, precision: InferencePrecision, gemm: GEMM) {
        let layer = model.layout.decoder[model.layout.decoder.count - 1]
        let tensor = model.layout.tensors[layer.weight]
        self.precision = precision
        weight = UnsafePointer(model.tensor(layer.weight))
        bias = UnsafePointer(model.tensor(layer.bias))
        width = tensor.rows
        itemCount = tensor.columns
        half = precision == .float16
            ? HalfPrecisionMatrix(weight, rows: tensor.rows, columns: tensor.columns, ld: tensor.columns) : nil
        vector = VectorMatrixProduct(gemm: gemm)
    }

    /// Floats of scratch that ``apply(engine:model:input:rows:output:scratch:)`` needs.
    var scratchCount: Int { half?.scratchCount ?? 0 }

    /// `output[rows, items] = input[rows, width] * W + b`.
    func apply(
        engine: MultVAEEngine, model: MultVAE, input: UnsafePointer<Float>, rows: Int,
        output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>
    ) {
        if let half {
            half.multiply(
                input: input, m: rows, lda: width, bias: bias, output: output, ldc: itemCount, gemm: engine.gemm,
                executor: engine.executor, scratch: scratch)
        } else if rows == 1 && vector.usesVectorRoutine {
            output.update(from: bias, count: itemCount)
            vector.multiply(n: itemCount, k: width, alpha: 1, x: input, b: weight, ldb: itemCount, beta: 1, y: output)
        } else {
            engine.applyOutputLayer(model: model, input: input, rows: rows, output: output)
        }
    }
}

/// A value behind a lock, usable from concurrent tasks.
final class Locked<Value>: @unchecked Sendable {
    // @unchecked: `value` is only touched while `lock` is held.
    private let lock = NSLock()
    private let value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(value)
    }
}

/// The mutable state of one forward pass: the engine (not thread-safe) and the logits scratch.
final class InferenceWorkspace {
    let engine: MultVAEEngine
    let logits = ScratchBuffer<Float>()
    let scratch = ScratchBuffer<Float>()

    init(engine: MultVAEEngine) { self.engine = engine }
}
