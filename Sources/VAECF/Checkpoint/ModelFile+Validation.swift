extension ModelFile {
    /// The widest layer a file may declare; item counts are bounded like the dataset's columns.
    static let maximumWidth = Int(Int32.max)

    /// The float count of every block of `header`, checked against the configuration, the item ids and the
    /// file's size, with arithmetic that cannot overflow whatever the header says.
    /// - Throws: ``ModelFileError`` naming the first inconsistency.
    static func validatedBlockLength(of header: Header, fileSize: Int, path: String) throws(ModelFileError) -> Int {
        func failure(_ problem: String) -> ModelFileError { .inconsistentHeader(path: path, problem: problem) }
        let configuration = header.model
        let widths = [configuration.itemCount] + configuration.encoderDimensions
        guard configuration.encoderDimensions.count >= 1, widths.allSatisfy({ (1...maximumWidth).contains($0) }) else {
            throw failure(
                "the header describes an impossible network (\(configuration.itemCount) items, encoder \(configuration.encoderDimensions))"
            )
        }
        if let recVAE = configuration.recVAE {
            guard configuration.encoderDimensions.count == 2, configuration.variational, header.modelKind != .ease
            else {
                throw failure(
                    "the header describes an impossible RecVAE (encoder \(configuration.encoderDimensions); a RecVAE has a hidden width and a latent size)"
                )
            }
            if let problem = recVAE.invalidSetting { throw failure("its RecVAE settings are unusable: \(problem)") }
        }
        guard configuration.itemCount == header.itemIDs.count else {
            throw failure("the header lists \(header.itemIDs.count) item ids for \(configuration.itemCount) items")
        }
        guard (0...Int(Int32.max)).contains(header.epoch), header.step >= 0,
            (-1...header.epoch).contains(header.bestEpoch)
        else {
            throw failure(
                "the header has impossible counters (epoch \(header.epoch), step \(header.step), best epoch \(header.bestEpoch))"
            )
        }
        if let problem = header.training?.invalidSetting {
            throw failure("its training settings are unusable: \(problem)")
        }
        if let lossScale = header.lossScale, let problem = lossScale.invalidSetting {
            throw failure("its loss scaling is unusable: \(problem)")
        }
        let expectedBlocks = header.kind == .checkpoint ? 4 : 1
        guard header.blocks.count == expectedBlocks else {
            throw failure(
                "a \(header.kind.rawValue) has \(expectedBlocks) weight block\(expectedBlocks == 1 ? "" : "s"), the header lists \(header.blocks.count)"
            )
        }
        guard let count = blockLength(header), count <= fileSize / MemoryLayout<Float>.size else {
            throw ModelFileError.truncated(path: path, size: fileSize, expected: "the weights of its configuration")
        }
        guard header.blocks.allSatisfy({ $0 == count }) else {
            throw failure(
                "its weights do not match its configuration (blocks of \(header.blocks) floats, the network has \(count))"
            )
        }
        return count
    }

    /// Floats of one weight block of `header`'s model (EASE: `items * items`), or `nil` when it overflows `Int`.
    static func blockLength(_ header: Header) -> Int? {
        guard header.resolvedKind == .ease else { return parameterCount(header.model) }
        let (count, overflow) = header.model.itemCount.multipliedReportingOverflow(by: header.model.itemCount)
        return overflow ? nil : count
    }

    /// The tensors of one weight block of `header`'s model, for naming a bad value.
    static func weightTensors(_ header: Header) -> [ParameterTensor] {
        guard header.resolvedKind == .ease else { return ParameterLayout(configuration: header.model).tensors }
        let items = header.model.itemCount
        return [ParameterTensor(name: "ease.weight", rows: items, columns: items, offset: 0, isKernel: true)]
    }

    /// The number of floats of ``ParameterLayout`` for `configuration`, or `nil` when it overflows `Int`.
    /// The widths must already be positive and at most ``maximumWidth``.
    static func parameterCount(_ configuration: MultVAEConfiguration) -> Int? {
        if let recVAE = configuration.recVAE {
            return recVAEParameterCount(configuration, hiddenLayers: recVAE.hiddenLayers)
        }
        var total = 0
        for layer in configuration.encoderLayers + configuration.decoderLayers {
            let (kernel, kernelOverflow) = layer.input.multipliedReportingOverflow(by: layer.output)
            let (tensors, biasOverflow) = kernel.addingReportingOverflow(layer.output)
            let (sum, sumOverflow) = total.addingReportingOverflow(tensors)
            guard !kernelOverflow, !biasOverflow, !sumOverflow else { return nil }
            total = sum
        }
        return total
    }

    /// The floats of RecVAE's ``ParameterLayout`` (encoder, decoder, the prior's copy of the encoder), or `nil`
    /// when it overflows `Int`.
    static func recVAEParameterCount(_ configuration: MultVAEConfiguration, hiddenLayers: Int) -> Int? {
        let (items, hidden, latent) = (
            configuration.itemCount, configuration.encoderDimensions[0], configuration.latentDimension
        )
        var total = 0
        func add(_ rows: Int, _ columns: Int) -> Bool {
            let (product, productOverflow) = rows.multipliedReportingOverflow(by: columns)
            let (sum, sumOverflow) = total.addingReportingOverflow(product)
            total = sum
            return !productOverflow && !sumOverflow
        }
        for layer in 0..<hiddenLayers {
            guard add(layer == 0 ? items : hidden, hidden), add(3, hidden) else { return nil }
        }
        guard add(hidden + 1, 2 * latent) else { return nil }
        let encoder = total
        guard add(latent + 1, items), add(1, encoder) else { return nil }
        return total
    }
}
