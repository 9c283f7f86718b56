/// Hidden-layer nonlinearity of the Mult-VAE: `tanh` (the reference) or `relu`.
public enum Activation: String, Sendable, Codable, CaseIterable {
    case tanh
    case relu

    /// Applies the activation in place to `x[0 ..< count]`.
    package func apply(_ x: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .tanh:
            var index = 0
            while index + 16 <= count {
                let value = UnsafeRawPointer(x + index).loadUnaligned(as: VectorMath.Vector.self)
                UnsafeMutableRawPointer(x + index).storeBytes(of: Self.tanh(value), as: VectorMath.Vector.self)
                index += 16
            }
            while index < count {
                x[index] = Self.tanh(VectorMath.Vector(repeating: x[index]))[0]
                index += 1
            }
        case .relu:
            for index in 0..<count where !(x[index] > 0) { x[index] = 0 }
        }
    }

    /// Multiplies `gradient` in place by the derivative of the activation, expressed through the
    /// activation's output `y`: `1 - y^2` for tanh, `y > 0 ? 1 : 0` for relu.
    package func backward(output y: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .tanh:
            for index in 0..<count { gradient[index] *= 1 - y[index] * y[index] }
        case .relu:
            for index in 0..<count where !(y[index] > 0) { gradient[index] = 0 }
        }
    }

    /// `tanh(x)` for 16 lanes: `sign(x) (1 - e) / (1 + e)` with `e = exp(-2|x|)`, accurate to a few ulp.
    @inline(__always)
    static func tanh(_ x: VectorMath.Vector) -> VectorMath.Vector {
        var magnitude = x.replacing(with: -x, where: x .< 0)
        magnitude.replace(with: 20, where: magnitude .> 20)
        let e = VectorMath.exp(-2 * magnitude)
        let positive = (1 - e) / (1 + e)
        return positive.replacing(with: -positive, where: x .< 0)
    }
}
