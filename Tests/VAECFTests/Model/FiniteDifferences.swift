import VAECF

/// Central differences of `objective` for about 40 entries of every tensor of `tensors`, compared with the
/// analytic gradient: the relative error (`||numeric - analytic|| / sqrt(||numeric||^2 + ||analytic||^2)`) per
/// tensor name. Each entry of `model`'s parameters is moved by `step` both ways and restored.
func finiteDifferenceErrors(
    model: MultVAE, tensors: [ParameterTensor], analytic: [Float], step: Float = 2e-3, objective: () -> Double
) -> [String: Double] {
    var worst = [String: Double]()
    for tensor in tensors {
        var numerator = 0.0
        var denominator = 0.0
        for index in stride(from: 0, to: tensor.count, by: max(1, tensor.count / 40)) {
            let position = tensor.offset + index
            let original = model.parameters.pointer[position]
            model.parameters.pointer[position] = original + step
            let plus = objective()
            model.parameters.pointer[position] = original - step
            let minus = objective()
            model.parameters.pointer[position] = original
            let numeric = (plus - minus) / (2 * Double(step))
            numerator += (numeric - Double(analytic[position])) * (numeric - Double(analytic[position]))
            denominator += numeric * numeric + Double(analytic[position]) * Double(analytic[position])
        }
        worst[tensor.name] = denominator == 0 ? 0 : (numerator / denominator).squareRoot()
    }
    return worst
}
