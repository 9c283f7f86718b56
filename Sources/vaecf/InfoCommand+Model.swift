import Foundation
import VAECF
import VAECFData

extension InfoCommand {
    /// Lines describing a model file or training checkpoint.
    static func describeModel(_ url: URL) throws(DataError) -> [String] {
        let file: ModelFile
        do { file = try ModelFile.read(url, check: .inferenceWeights) } catch {
            throw DataError.unreadableModel(file: url.path, reason: "\(error)")
        }
        let header = file.header
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        var lines =
            [
                "\(url.path): vaecf \(header.kind == .model ? "model" : "training checkpoint"), format version \(ModelFile.formatVersion), \(formatByteCount(size))",
                "model: \(header.resolvedKind.displayName) (\(header.resolvedKind.rawValue))",
            ] + architecture(of: header, parameterCount: file.parameters.count) + [
                "dataset fingerprint: \(header.datasetFingerprint)",
                "trained: \(header.epoch) epochs, \(header.step) updates, best validation after epoch \(header.bestEpoch + 1) (\(header.backend), \(header.threads) threads)",
            ]
        if let validation = header.validation { lines.append("validation: \(validation)") }
        lines.append(
            file.trainingUsers.map {
                "training users kept: \($0.count) (\($0.rows.nonZeroCount) interactions, \(formatByteCount($0.binaryByteCount)) of rows): recommend --user works"
            } ?? "training users kept: none (recommend --user needs a model trained without --no-user-histories)")
        if header.kind == .checkpoint {
            lines.append(
                header.bestEpoch >= 0
                    ? "as a model (test, recommend, serve): its best-validation weights (epoch \(header.bestEpoch + 1))"
                    : "as a model: not usable yet (no validated epoch, so no best weights)")
        }
        if let training = header.training {
            lines.append(
                "training: batch \(training.batchSizeTrain), lr \(training.learningRate), betas \(training.beta1)/\(training.beta2), lam \(training.lam), anneal \(training.totalAnnealSteps) steps to \(training.annealCap), \(training.epochs) epochs, seed \(training.seed)"
            )
        }
        return lines
    }

    /// The architecture lines of a model of any kind.
    static func architecture(of header: ModelFile.Header, parameterCount: Int) -> [String] {
        let model = header.model
        if header.resolvedKind == .ease {
            return [
                "architecture: \(model.itemCount) x \(model.itemCount) item weights, lambda \(header.easeLambda ?? 0), parameters \(parameterCount)"
            ]
        }
        if let recVAE = model.recVAE {
            let hidden = model.encoderDimensions[0]
            return [
                "architecture: \(model.itemCount) items -> \(recVAE.hiddenLayers) x \(hidden) (swish, LayerNorm, dense connections) -> 2 x \(model.latentDimension) -> \(model.itemCount) items, composite prior with a frozen encoder copy",
                "gamma \(recVAE.gamma), \(recVAE.encoderPasses) encoder and \(recVAE.decoderPasses) decoder passes per epoch, keep probability \(model.keepProbability), parameters \(parameterCount)",
            ]
        }
        let latent = model.variational ? "2 x \(model.latentDimension)" : "\(model.latentDimension)"
        return [
            "architecture: \(model.itemCount) items -> \((model.encoderDimensions.dropLast().map(String.init) + [latent]).joined(separator: " -> ")) -> \(model.encoderDimensions.reversed().dropFirst().map(String.init).joined(separator: " -> ")) -> \(model.itemCount) items",
            "activation: \(model.activation.rawValue), keep probability \(model.keepProbability), parameters \(parameterCount)",
        ]
    }
}
