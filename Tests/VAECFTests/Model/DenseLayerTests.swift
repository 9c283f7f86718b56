import Foundation
import Testing
import VAECFCompute
import VAECFCore

@testable import VAECF

/// `DenseLayer` against plain loops in Double: forward, backward (accumulating into the gradients already
/// there), and the sparse-input first layer against the same layer on the densified input.
@Suite("Dense layer")
struct DenseLayerTests {
    static let rows = 4

    /// A small Mult-VAE (9 items, hidden 5, latent 3) with larger biases than the default, and its engine.
    static func model() -> (MultVAE, MultVAEEngine) {
        let configuration = MultVAEConfiguration(itemCount: 9, encoderDimensions: [5, 3], activation: .tanh)
        let model = MultVAE(configuration: configuration, seed: 7)
        var random = RandomSource(seed: 8)
        for tensor in model.layout.tensors where !tensor.isKernel {
            for index in 0..<tensor.count {
                model.parameters.pointer[tensor.offset + index] = Float(random.nextGaussian() * 0.3)
            }
        }
        let engine = MultVAEEngine(gemm: .portable(threadCount: 2), executor: ParallelExecutor(threadCount: 2))
        return (model, engine)
    }

    static func randomMatrix(_ count: Int, seed: UInt64) -> [Float] {
        var random = RandomSource(seed: seed)
        return (0..<count).map { _ in Float(random.nextGaussian()) }
    }

    /// `tanh(input W + b)` in Double.
    static func reference(model: MultVAE, layer: DenseLayer, input: [Float]) -> [Double] {
        let weights = model.parameters.pointer + layer.weight.offset
        let bias = model.parameters.pointer + layer.bias.offset
        var output = [Double]()
        for row in 0..<rows {
            for column in 0..<layer.outputWidth {
                var sum = Double(bias[column])
                for k in 0..<layer.inputWidth {
                    sum += Double(input[row * layer.inputWidth + k]) * Double(weights[k * layer.outputWidth + column])
                }
                output.append(tanh(sum))
            }
        }
        return output
    }

    static func maximumDifference(_ lhs: [Float], _ rhs: [Double]) -> Double {
        zip(lhs, rhs).map { abs(Double($0) - $1) }.max() ?? 0
    }

    @Test("forward is the activation of input times weight plus bias")
    func forward() {
        let (model, engine) = Self.model()
        let layer = engine.decoderLayer(model, 0)
        #expect(layer.activation == .tanh && layer.inputWidth == 3 && layer.outputWidth == 5)
        let input = Self.randomMatrix(Self.rows * layer.inputWidth, seed: 1)
        let output = FloatBuffer(count: Self.rows * layer.outputWidth)
        input.withUnsafeBufferPointer {
            layer.forward(
                parameters: model.parameters.pointer, input: $0.baseAddress!, output: output.pointer, rows: Self.rows)
        }
        #expect(Self.maximumDifference(output.array, Self.reference(model: model, layer: layer, input: input)) < 1e-5)
        #expect(engine.outputLayer(model).activation == nil)
        #expect(engine.encoderLayer(model, model.layout.encoder.count - 1).activation == nil)
    }

    @Test("backward accumulates the weight and bias gradients and writes the input gradient")
    func backward() {
        let (model, engine) = Self.model()
        let layer = engine.decoderLayer(model, 0)
        let (inputWidth, width) = (layer.inputWidth, layer.outputWidth)
        let input = Self.randomMatrix(Self.rows * inputWidth, seed: 2)
        let upstream = Self.randomMatrix(Self.rows * width, seed: 3)
        let output = FloatBuffer(count: Self.rows * width)
        let outputGradient = FloatBuffer(upstream)
        let inputGradient = FloatBuffer(count: Self.rows * inputWidth)
        let start = Self.randomMatrix(model.layout.count, seed: 4)
        let gradients = FloatBuffer(start)
        input.withUnsafeBufferPointer {
            layer.forward(
                parameters: model.parameters.pointer, input: $0.baseAddress!, output: output.pointer, rows: Self.rows)
            layer.backward(
                parameters: model.parameters.pointer, input: $0.baseAddress!, output: output.pointer,
                outputGradient: outputGradient.pointer, inputGradient: inputGradient.pointer, rows: Self.rows,
                gradients: gradients.pointer)
        }
        // The gradient before the activation: dOut * (1 - y^2).
        let y = output.array
        let pre = (0..<(Self.rows * width)).map { Double(upstream[$0]) * (1 - Double(y[$0]) * Double(y[$0])) }
        let weights = model.parameters.pointer + layer.weight.offset
        var expectedWeight = [Double](), expectedBias = [Double](), expectedInput = [Double]()
        for k in 0..<inputWidth {
            for column in 0..<width {
                var sum = Double(start[layer.weight.offset + k * width + column])
                for row in 0..<Self.rows { sum += Double(input[row * inputWidth + k]) * pre[row * width + column] }
                expectedWeight.append(sum)
            }
        }
        for column in 0..<width {
            expectedBias.append(
                (0..<Self.rows).reduce(Double(start[layer.bias.offset + column])) { $0 + pre[$1 * width + column] })
        }
        for row in 0..<Self.rows {
            for k in 0..<inputWidth {
                expectedInput.append(
                    (0..<width).reduce(0.0) { $0 + pre[row * width + $1] * Double(weights[k * width + $1]) })
            }
        }
        let all = gradients.array
        let weightRange = layer.weight.offset..<(layer.weight.offset + layer.weight.count)
        let biasRange = layer.bias.offset..<(layer.bias.offset + width)
        #expect(Self.maximumDifference(Array(all[weightRange]), expectedWeight) < 1e-5)
        #expect(Self.maximumDifference(Array(all[biasRange]), expectedBias) < 1e-5)
        #expect(Self.maximumDifference(inputGradient.array, expectedInput) < 1e-5)
        // Every other tensor's gradient is left alone.
        #expect(all.indices.allSatisfy { weightRange.contains($0) || biasRange.contains($0) || all[$0] == start[$0] })
    }

    @Test("a sparse first layer matches the same layer on the densified rows")
    func sparseInput() {
        let (model, engine) = Self.model()
        let layer = engine.encoderLayer(model, 0)
        let items = layer.inputWidth
        let data = CSRMatrix(columnCount: items, rows: [[0, 3, 8], [2], [1, 4, 5, 7], [6, 0]])
        engine.gatherBatch(data, rows: 0..<Self.rows, dropout: nil)
        let sparse = engine.gatheredRows(Self.rows)
        var dense = [Float](repeating: 0, count: Self.rows * items)
        for row in 0..<Self.rows {
            for entry in sparse.rowOffsets[row]..<sparse.rowOffsets[row + 1] {
                dense[row * items + Int(sparse.columnIndices[entry])] = sparse.values[entry]
            }
        }
        let width = layer.outputWidth
        let sparseOutput = FloatBuffer(count: Self.rows * width)
        let denseOutput = FloatBuffer(count: Self.rows * width)
        let sparseGradients = FloatBuffer(count: model.layout.count)
        let denseGradients = FloatBuffer(count: model.layout.count)
        let upstream = Self.randomMatrix(Self.rows * width, seed: 5)
        let sparseUpstream = FloatBuffer(upstream)
        let denseUpstream = FloatBuffer(upstream)
        let inputGradient = FloatBuffer(count: Self.rows * items)
        layer.forward(parameters: model.parameters.pointer, sparseInput: sparse, output: sparseOutput.pointer)
        layer.backward(
            sparseInput: sparse, output: sparseOutput.pointer, outputGradient: sparseUpstream.pointer,
            gradients: sparseGradients.pointer)
        dense.withUnsafeBufferPointer {
            layer.forward(
                parameters: model.parameters.pointer, input: $0.baseAddress!, output: denseOutput.pointer,
                rows: Self.rows)
            layer.backward(
                parameters: model.parameters.pointer, input: $0.baseAddress!, output: denseOutput.pointer,
                outputGradient: denseUpstream.pointer, inputGradient: inputGradient.pointer, rows: Self.rows,
                gradients: denseGradients.pointer)
        }
        let outputDifference = zip(sparseOutput.array, denseOutput.array).map { abs($0 - $1) }.max()!
        let gradientDifference = zip(sparseGradients.array, denseGradients.array).map { abs($0 - $1) }.max()!
        #expect(outputDifference < 1e-6)
        #expect(gradientDifference < 1e-6)
        #expect(sparseGradients.array.contains { $0 != 0 })
    }
}
