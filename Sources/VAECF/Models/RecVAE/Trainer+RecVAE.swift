import Foundation
import VAECFCore

extension Trainer {
    /// One RecVAE epoch, the reference's alternation (`run.py`): ``RecVAESettings/encoderPasses`` shuffled
    /// passes over the training users updating the encoder (dropout, whole objective), the prior refresh
    /// (`MultVAE.refreshRecVAEPrior()`), then ``RecVAESettings/decoderPasses`` passes updating the decoder (no
    /// dropout). Each group has its own Adam moments (at its parameters' offsets) and its own step count `t`,
    /// which follows from the epochs and passes done, so a resumed run needs nothing more than the checkpoint.
    ///
    /// The summary's likelihood and KL are the averages over the encoder passes' steps (the steps where the
    /// whole objective is computed).
    func trainRecVAEEpoch(_ settings: RecVAESettings) throws(TrainingError) -> EpochSummary {
        precondition(group == nil, "RecVAE trains in one process")
        let epoch = completedEpochs
        let start = DispatchTime.now().uptimeNanoseconds
        let stepsPerPass = training.stepsPerEpoch(userCount: dataset.train.rowCount)
        var sums = LossBreakdown(negativeLogLikelihood: 0, kullbackLeibler: 0, anneal: 1, regularization: 0)
        var encoderSteps = 0
        var users = 0
        for pass in 0..<settings.passesPerEpoch {
            let phase: RecVAEPhase = pass < settings.encoderPasses ? .encoder : .decoder
            if pass == settings.encoderPasses { model.refreshRecVAEPrior() }
            let range = phase == .encoder ? model.layout.encoderParameters : model.layout.decoderParameters
            let passesBefore =
                phase == .encoder
                ? epoch * settings.encoderPasses + pass
                : epoch * settings.decoderPasses + pass - settings.encoderPasses
            for (index, batch) in recVAEBatches(ofPass: epoch * settings.passesPerEpoch + pass).enumerated() {
                let step = optimizer.stepCount
                let loss = engine.recVAELossAndGradients(
                    model: model, data: dataset.train, rows: batch, phase: phase,
                    noise: .init(seed: training.seed, step: step), gradients: gradients)
                guard loss.total.isFinite else { throw .nonFiniteLoss(epoch: epoch, step: step, loss: loss) }
                optimizer.update(
                    parameters: model.parameters, gradients: gradients, range: range,
                    step: passesBefore * stepsPerPass + index + 1, executor: engine.executor)
                users += batch.count
                guard phase == .encoder else { continue }
                sums.negativeLogLikelihood += loss.negativeLogLikelihood
                sums.kullbackLeibler += loss.kullbackLeibler
                encoderSteps += 1
            }
        }
        sums.negativeLogLikelihood /= Double(max(encoderSteps, 1))
        sums.kullbackLeibler /= Double(max(encoderSteps, 1))
        completedEpochs += 1
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return EpochSummary(
            epoch: epoch, loss: sums, users: users, seconds: seconds, step: optimizer.stepCount, communication: nil)
    }

    /// The users of RecVAE's pass `pass` (counted over the whole run), shuffled, cut into batches.
    func recVAEBatches(ofPass pass: Int) -> [ArraySlice<Int>] {
        batches(stream: 0x2EC0_0000 &+ UInt64(pass))
    }
}
