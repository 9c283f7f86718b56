import VAECFCompute

/// `swish(s) = s * sigmoid(s)` and its derivative, 16 lanes at a time.
enum Swish {
    /// `output[i] = s[i] * sigmoid(s[i])`.
    static func apply(_ s: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, count: Int) {
        typealias V = VectorMath.Vector
        var index = 0
        while index + 16 <= count {
            let x = UnsafeRawPointer(s + index).loadUnaligned(as: V.self)
            let value = x / (1 + VectorMath.exp(-x))
            UnsafeMutableRawPointer(output + index).storeBytes(of: value, as: V.self)
            index += 16
        }
        while index < count {
            output[index] = s[index] / (1 + VectorMath.exp(-s[index]))
            index += 1
        }
    }

    /// `gradient[i] *= swish'(s[i]) = sigmoid(s) + swish(s) (1 - sigmoid(s))`.
    static func backward(_ s: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>, count: Int) {
        typealias V = VectorMath.Vector
        var index = 0
        while index + 16 <= count {
            let x = UnsafeRawPointer(s + index).loadUnaligned(as: V.self)
            let sigmoid = 1 / (1 + VectorMath.exp(-x))
            let derivative = sigmoid + x * sigmoid * (1 - sigmoid)
            let g = UnsafeRawPointer(gradient + index).loadUnaligned(as: V.self)
            UnsafeMutableRawPointer(gradient + index).storeBytes(of: g * derivative, as: V.self)
            index += 16
        }
        while index < count {
            let sigmoid = 1 / (1 + VectorMath.exp(-s[index]))
            gradient[index] *= sigmoid + s[index] * sigmoid * (1 - sigmoid)
            index += 1
        }
    }
}
