/// The exact count of floating-point operations of Mult-VAE training updates (multiply and add counted
/// separately), by term. Dense layer `[in, out]` over `B` users: forward `2 B in out`, weight gradient
/// `2 B in out`, input gradient `2 B in out` (the first decoder layer also propagates to z, and every encoder
/// layer but the sparse first one to its input). The sparse first layer over `E` stored entries: forward
/// `2 E h`, weight gradient `2 E h` (no input gradient). Elementwise work (softmax, activations, Adam) is
/// listed apart and not part of the matrix-product total.
package struct TrainingCost: Sendable, Equatable {
    package struct Term: Sendable, Equatable {
        package var name: String
        package var operations: Double
    }

    /// The matrix-product terms.
    package var terms: [Term]
    /// Elementwise operations (softmax exponentials and sums, activations, Adam), an estimate.
    package var elementwiseOperations: Double

    /// Total matrix-product operations.
    package var total: Double { terms.reduce(0) { $0 + $1.operations } }

    /// The cost of updates over `users` users holding `entries` stored interactions in all.
    package init(configuration: MultVAEConfiguration, users: Int, entries: Int, updates: Int) {
        let b = Double(users)
        var terms = [Term]()
        for (index, layer) in configuration.encoderLayers.enumerated() {
            let name = "encoder.\(index) [\(layer.input) x \(layer.output)]"
            if index == 0 {
                let cost = 2 * Double(entries) * Double(layer.output)
                terms.append(Term(name: name + " sparse forward", operations: cost))
                terms.append(Term(name: name + " sparse weight gradient", operations: cost))
            } else {
                let cost = 2 * b * Double(layer.input) * Double(layer.output)
                terms.append(Term(name: name + " forward", operations: cost))
                terms.append(Term(name: name + " weight gradient", operations: cost))
                terms.append(Term(name: name + " input gradient", operations: cost))
            }
        }
        for (index, layer) in configuration.decoderLayers.enumerated() {
            let name = "decoder.\(index) [\(layer.input) x \(layer.output)]"
            let cost = 2 * b * Double(layer.input) * Double(layer.output)
            terms.append(Term(name: name + " forward", operations: cost))
            terms.append(Term(name: name + " weight gradient", operations: cost))
            terms.append(Term(name: name + " input gradient", operations: cost))
        }
        self.terms = terms
        let parameters = Double(ParameterLayout(configuration: configuration).count)
        // Softmax: exp + sum + scale + bias per logit; activations: ~4 per hidden value; Adam: ~12 per parameter.
        let hidden = Double(configuration.encoderDimensions.reduce(0, +) * 2)
        elementwiseOperations =
            b * Double(configuration.itemCount) * 6 + b * hidden * 4 + Double(updates) * parameters * 12
    }
}
