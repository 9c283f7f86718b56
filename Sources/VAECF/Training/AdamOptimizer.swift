import VAECFCompute
import VAECFCore

/// Adam over the flat parameter buffer, in the reference's (TensorFlow 1) form:
/// `step = lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + epsilon)`.
/// Its moments are flat buffers at the parameters' offsets, so one pass updates everything and a
/// checkpoint saves them in one piece.
package final class AdamOptimizer: @unchecked Sendable {
    // @unchecked Sendable: owned by one trainer; its moments are written only inside `update`, whose parallel
    // chunks are disjoint and joined before it returns.
    package let learningRate: Double
    package let beta1: Double
    package let beta2: Double
    package let epsilon: Double
    /// First moments `[parameters]`.
    package let firstMoments: FloatBuffer
    /// Second moments `[parameters]`.
    package let secondMoments: FloatBuffer
    /// Updates applied so far (`t` of the last update).
    package internal(set) var stepCount: Int = 0
    /// Scratch space of the L2 penalty's norm, one float per unit of the Adam pass.
    let normPartials: FloatBuffer

    package init(parameterCount: Int, learningRate: Double, beta1: Double, beta2: Double, epsilon: Double = 1e-8) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        firstMoments = FloatBuffer(count: parameterCount)
        secondMoments = FloatBuffer(count: parameterCount)
        normPartials = FloatBuffer(count: AdamKernel.unitCount(parameterCount))
    }

    /// The L2 penalty `lam * sum(W^2)` on `ranges` (the kernels) for ``update(parameters:gradients:gradientScale:penalty:bfloat16Copy:executor:)``;
    /// `nil` when `lam` is 0.
    package func penalty(lam: Double, ranges: [Range<Int>]) -> L2Penalty? {
        lam == 0 ? nil : L2Penalty(lam: lam, ranges: ranges, normPartials: normPartials.pointer)
    }

    /// `sum p^2` over the penalty's ranges of `parameters`, the bits an update with `penalty` would return.
    package func squaredNorm(of parameters: FloatBuffer, penalty: L2Penalty, executor: ParallelExecutor) -> Double {
        AdamKernel.squaredNorm(of: parameters.pointer, count: parameters.count, penalty: penalty, executor: executor)
    }

    /// Applies one update to `parameters` with the first `parameters.count` floats of `gradients`, each
    /// multiplied by `gradientScale` (`1 / S` for gradients of a loss scaled by `S`); `penalty` (from
    /// ``penalty(lam:ranges:)``) adds the L2 penalty's gradient in the same pass; when `bfloat16Copy` (a copy of
    /// `parameters`) is given, it receives the updated values rounded to bfloat16 in the same pass.
    /// Returns the penalty's `sum W^2` of the weights before the update (0 without a penalty).
    @discardableResult
    package func update(
        parameters: FloatBuffer, gradients: FloatBuffer, gradientScale: Float = 1, penalty: L2Penalty? = nil,
        bfloat16Copy: BFloat16ParameterCopy? = nil, executor: ParallelExecutor
    ) -> Double {
        precondition(parameters.count == firstMoments.count && gradients.count >= firstMoments.count)
        precondition(bfloat16Copy.map { $0.source === parameters } ?? true, "the copy mirrors other parameters")
        stepCount += 1
        return AdamKernel.update(
            parameters: parameters.pointer, gradients: gradients.pointer, firstMoments: firstMoments.pointer,
            secondMoments: secondMoments.pointer, count: parameters.count, learningRate: learningRate,
            beta1: beta1, beta2: beta2, epsilon: epsilon, step: stepCount, gradientScale: gradientScale,
            penalty: penalty, bfloat16Copy: bfloat16Copy?.pointer, executor: executor)
    }

    /// Counts a step whose update was skipped (non-finite gradients under loss scaling): the step number
    /// advances, so the schedule (annealing, noise) stays that of the run; moments and parameters stay.
    package func skipUpdate() {
        stepCount += 1
    }

    /// Applies one update to the parameters `range` only, with their own step number `step` (`t` of a parameter
    /// group that has its own count, as each of RecVAE's encoder and decoder optimizers does); counts one update.
    package func update(
        parameters: FloatBuffer, gradients: FloatBuffer, range: Range<Int>, step: Int, executor: ParallelExecutor
    ) {
        precondition(parameters.count == firstMoments.count && gradients.count >= firstMoments.count)
        precondition(range.lowerBound >= 0 && range.upperBound <= parameters.count && step >= 1)
        stepCount += 1
        let start = range.lowerBound
        AdamKernel.update(
            parameters: parameters.pointer + start, gradients: gradients.pointer + start,
            firstMoments: firstMoments.pointer + start, secondMoments: secondMoments.pointer + start,
            count: range.count, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, step: step,
            executor: executor)
    }

    /// Restores the state saved in a checkpoint.
    package func restore(firstMoments first: [Float], secondMoments second: [Float], stepCount: Int) {
        precondition(first.count == firstMoments.count && second.count == secondMoments.count)
        first.withUnsafeBufferPointer { firstMoments.pointer.update(from: $0.baseAddress!, count: first.count) }
        second.withUnsafeBufferPointer { secondMoments.pointer.update(from: $0.baseAddress!, count: second.count) }
        self.stepCount = stepCount
    }
}
