/// Finds NaN and infinite weights, naming the tensor and the position.
enum NonFiniteWeights {
    /// `nil` when every value is finite, otherwise a description of the first bad one,
    /// e.g. "decoder.1.weight holds NaN at index 12 (row 0, column 12)".
    static func find(in values: [Float], tensors: [ParameterTensor]) -> String? {
        values.withUnsafeBufferPointer { buffer in
            guard let index = firstNonFinite(buffer) else { return nil }
            let value = buffer[index]
            let name = value.isNaN ? "NaN" : (value > 0 ? "+infinity" : "-infinity")
            guard let tensor = tensors.first(where: { $0.offset <= index && index < $0.offset + $0.count }) else {
                return "holds \(name) at index \(index)"
            }
            let local = index - tensor.offset
            return
                "\(tensor.name) holds \(name) at index \(local) (row \(local / tensor.columns), column \(local % tensor.columns))"
        }
    }

    /// Index of the first NaN or infinity. One vectorized pass (`x - x` is 0 for every finite `x` and NaN
    /// otherwise, so the lanes stay 0 exactly when all values are finite), then a scalar search only on failure.
    static func firstNonFinite(_ values: UnsafeBufferPointer<Float>) -> Int? {
        guard let base = values.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        let width = SIMD16<Float>.scalarCount
        let vectorCount = values.count / width
        var lanes = SIMD16<Float>(repeating: 0)
        for vector in 0..<vectorCount {
            let chunk = raw.loadUnaligned(
                fromByteOffset: vector * width * MemoryLayout<Float>.stride, as: SIMD16<Float>.self)
            lanes += chunk - chunk
        }
        var tail: Float = 0
        for index in (vectorCount * width)..<values.count { tail += values[index] - values[index] }
        guard (lanes.sum() + tail).isNaN else { return nil }
        return values.firstIndex { !$0.isFinite }
    }
}
