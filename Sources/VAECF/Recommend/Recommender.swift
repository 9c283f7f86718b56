import Foundation
import VAECFCompute
import VAECFCore

/// A loaded model that answers recommendation queries: ids in, top items by the model's softmax out.
///
/// Each call to ``recommend(_:)`` runs one batched forward pass over all its queries (in blocks of at most
/// ``blockRows`` users), so a server coalescing concurrent requests into one call scores them together.
/// The engine is not thread-safe and sits behind a lock: calls from concurrent tasks are serialized, and each
/// call uses all the engine's threads.
///
/// Scores are softmax probabilities over all items (``ScoredItem``): `exp(logit - logsumexp(logits))`; for an
/// EASE model, its scores `x B` as they are.
///
/// Precision: with `.float32`, calls of up to `smallBatchRowLimit` queries (64 with AVX2 or AVX-512) run the
/// small-batch product on a copy of the `[width, items]` weight packed once at load (read once per call, no
/// per-call packing; a user's scores do not depend on the other queries of the call), larger ones the GEMM.
/// The packed copy costs `width x items` floats (48 MB for 600 x 20108). With `.float16`, calls of up to 16
/// queries stream the half-precision weight
/// through SIMD kernels (AVX2 / FMA / F16C where available: half the bytes of float32, the fastest batch-1
/// path); larger calls decode it to float32 blocks for the GEMM, once per call when it spans several blocks,
/// which costs more than float32 below a few hundred queries.
public final class Recommender: Sendable {
    /// Precision of the output layer's weights.
    public let precision: InferencePrecision
    /// What the model is (for `GET /v1/model` and logs).
    public let description: ModelDescription
    /// Users scored per forward pass at most: keeps the `[rows, items]` logits scratch near 64 MB.
    public let blockRows: Int
    let catalog: ItemCatalog
    /// The model of any kind (see `TrainedModel`).
    let model: TrainedModel
    /// The autoencoders' output layer at ``precision``; nil for EASE (scored in float32 by its sparse product).
    let outputLayer: OutputLayer?
    /// Row maxima and softmax sums of the ranking.
    let reductions = RowReductions()
    let workspace: Locked<InferenceWorkspace>
    /// The training users the model file keeps, for queries by user id (``recommend(user:count:exclude:excludingSeen:)``).
    let trainingUsers: TrainingUsers?
    /// The normalized item vectors of similar-items queries, built on the first one.
    let similarityCache = Locked(SimilarityCache())

    /// A recommender for `model`, whose output column `i` is the item `itemIDs[i]`.
    ///
    /// - Parameters:
    ///   - gemm: the dense product backend (its thread count is used by BLAS calls).
    ///   - threadCount: workers of the engine's own loops and of the float16 kernel.
    ///   - precision: `.float16` keeps a half-precision copy of the output weight (quantized once, here).
    ///   - description: shown as is, but `itemCount`, `encoderDimensions`, `activation` and `precision` are set
    ///     from the model.
    ///   - blockRows: users per forward pass at most; by default as many as fit 64 MB of logits (at most 4096).
    package convenience init(
        model: MultVAE, itemIDs: [String], gemm: GEMM, threadCount: Int, precision: InferencePrecision = .float32,
        description: ModelDescription? = nil, blockRows: Int? = nil
    ) {
        self.init(
            trained: .autoencoder(model), itemIDs: itemIDs, gemm: gemm, threadCount: threadCount,
            precision: precision, description: description, blockRows: blockRows)
    }

    /// A recommender for a model of any kind; EASE always scores in float32 (`precision` applies to the
    /// autoencoders' output layer). `trainingUsers`: the training users' rows, for queries by user id.
    package init(
        trained model: TrainedModel, itemIDs: [String], gemm: GEMM, threadCount: Int,
        precision: InferencePrecision = .float32, description: ModelDescription? = nil, blockRows: Int? = nil,
        trainingUsers: TrainingUsers? = nil
    ) {
        precondition(itemIDs.count == model.itemCount, "one id per item is needed")
        precondition(
            trainingUsers.map { $0.rows.columnCount == model.itemCount } ?? true,
            "training users' rows must span the model's items")
        self.model = model
        self.trainingUsers = trainingUsers
        catalog = ItemCatalog(identifiers: itemIDs)
        let executor = ParallelExecutor(threadCount: max(1, threadCount))
        var described =
            description
            ?? ModelDescription(
                itemCount: 0, encoderDimensions: [], activation: "", datasetFingerprint: "", validation: [:],
                precision: "", epochs: 0, path: "")
        described.itemCount = model.itemCount
        described.model = model.kind.rawValue
        switch model {
        case .autoencoder(let network):
            self.precision = precision
            outputLayer = OutputLayer(model: network, precision: precision, executor: executor)
            described.encoderDimensions = network.configuration.encoderDimensions
            described.activation =
                network.configuration.recVAE == nil ? network.configuration.activation.rawValue : "swish"
        case .ease:
            self.precision = .float32
            outputLayer = nil
            described.encoderDimensions = []
            described.activation = "none"
        }
        described.precision = self.precision.rawValue
        self.description = described
        workspace = Locked(
            InferenceWorkspace(
                engine: MultVAEEngine(gemm: gemm, executor: executor), itemCount: itemIDs.count, reductions: reductions)
        )
        self.blockRows = max(1, blockRows ?? min(4096, (16 << 20) / model.itemCount))
    }

    /// A recommender for the weights of a model file (the ``ModelFile/parameters``, as `vaecf test` uses them).
    package convenience init(file: ModelFile, gemm: GEMM, threadCount: Int, precision: InferencePrecision = .float32) {
        var validation = [String: Double]()
        if let metrics = file.header.validation {
            for entry in metrics.entries { validation[entry.name] = entry.value }
            validation["users"] = Double(metrics.userCount)
        }
        let description = ModelDescription(
            itemCount: file.header.model.itemCount, encoderDimensions: file.header.model.encoderDimensions,
            activation: file.header.model.activation.rawValue, datasetFingerprint: file.header.datasetFingerprint,
            validation: validation, precision: precision.rawValue, epochs: file.header.epoch, path: file.path)
        self.init(
            trained: TrainedModel(file: file), itemIDs: file.header.itemIDs, gemm: gemm, threadCount: threadCount,
            precision: precision, description: description, trainingUsers: file.trainingUsers)
    }

    /// Reads a model file or checkpoint (see ``ModelFile/readModel(_:)``) and prepares it for queries.
    /// `notice` receives the note that a checkpoint's best-validation weights are used (standard error by default).
    package static func load(
        _ url: URL, gemm: GEMM, threadCount: Int, precision: InferencePrecision = .float32,
        notice: (String) -> Void = Recommender.printNotice
    ) throws(ModelFileError) -> Recommender {
        let file = try ModelFile.readModel(url)
        if let message = file.notice { notice(message) }
        return Recommender(file: file, gemm: gemm, threadCount: threadCount, precision: precision)
    }

    /// Writes "note: `message`" to standard error.
    package static func printNotice(_ message: String) {
        FileHandle.standardError.write(Data("note: \(message)\n".utf8))
    }

    /// Items the model scores.
    public var itemCount: Int { catalog.count }

    /// Queries per call up to which float32 runs the small-batch product instead of the GEMM (0 for float16).
    package var smallBatchRowLimit: Int { outputLayer?.smallBatch?.rowLimit ?? 0 }

    /// Original id of every item, in the model's output order.
    public var itemIDs: [String] { catalog.identifiers }

    /// The model's item index of an original id, if it knows the id.
    package func index(of identifier: String) -> Int? { catalog.indexByIdentifier[identifier].map(Int.init) }

    /// Answers every query, in order, with one batched forward pass.
    ///
    /// Never fails: unknown ids are reported in ``RecommendationResult/unknown``, a query without known items
    /// is scored from an empty history (the model's prior: popular items), `count <= 0` gives no items and a
    /// `count` above the candidates gives all candidates.
    public func recommend(_ queries: [RecommendationQuery]) -> [RecommendationResult] {
        rank(queries.map(catalog.resolve))
    }

    /// The output logits `[rows.count, items]` of the users `rows` of `foldIn` at this recommender's
    /// precision: for float32 the values of ``MultVAEEngine/scores(model:foldIn:rows:output:)`` (bit for bit
    /// above `smallBatchRowLimit` rows; fewer run the small-batch kernel, equal up to rounding). Pass it to an `Evaluator` to measure
    /// ranking quality at this precision. `foldIn` must have ``itemCount`` columns.
    package func scores<Rows: Collection>(foldIn: CSRMatrix, rows: Rows, output: UnsafeMutablePointer<Float>)
    where Rows.Element == Int {
        precondition(
            foldIn.columnCount == itemCount, "the fold-in has \(foldIn.columnCount) items, the model \(itemCount)")
        guard !rows.isEmpty else { return }
        _ = workspace.withLock { workspace in
            computeLogits(workspace, foldIn: foldIn, rows: rows, output: output)
        }
    }

    /// The forward pass into `output` (caller holds the lock). With `deferringBias`, returns whether the output
    /// layer's bias is still to be added (see ``OutputLayer/apply(engine:model:input:rows:output:scratch:decoded:deferringBias:)``).
    @discardableResult
    func computeLogits<Rows: Collection>(
        _ workspace: InferenceWorkspace, foldIn: CSRMatrix, rows: Rows, output: UnsafeMutablePointer<Float>,
        deferringBias: Bool = false
    ) -> Bool where Rows.Element == Int {
        let engine = workspace.engine
        if case .ease(let ease) = model {
            ease.scores(foldIn: foldIn, rows: rows, output: output, executor: engine.executor)
            return false
        }
        guard case .autoencoder(let network) = model, let outputLayer else {
            preconditionFailure("an autoencoder's recommender has an output layer")
        }
        let input = engine.outputLayerInput(model: network, foldIn: foldIn, rows: rows)
        let scratch = workspace.scratch.reserve(max(1, outputLayer.scratchCount))
        return outputLayer.apply(
            engine: engine, model: network, input: input, rows: rows.count, output: output, scratch: scratch,
            decoded: workspace.decodedWeights, deferringBias: deferringBias)
    }
}
