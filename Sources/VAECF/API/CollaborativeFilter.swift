import Dispatch
import Foundation
import VAECFCompute
import VAECFCore

/// A recommender fitted on interactions, in the spirit of `implicit`'s models: ``fit(_:options:progress:)``,
/// ``recommend(user:count:allow:exclude:excludingSeen:)``, ``recommend(items:count:allow:exclude:)``,
/// ``similarItems(to:count:allow:deny:)``, ``evaluate(_:heldOutFraction:minimumWeight:seed:)``,
/// ``save(to:)`` and ``load(from:threads:precision:)``.
///
/// ```swift
/// var interactions = Interactions()
/// interactions.append(user: "alice", item: "matrix")
/// // ...
/// var options = FitOptions(model: .multvae, seed: 1)
/// options.validationUsers = 100
/// let model = try await CollaborativeFilter.fit(interactions, options: options)
/// let top = try model.recommend(user: "alice", count: 10)
/// ```
///
/// Scores are the model's softmax probabilities (EASE: its scores), items best first. Queries are answered
/// by a ``Recommender`` (thread-safe; calls from concurrent tasks are serialized).
public final class CollaborativeFilter: Sendable {
    /// The model as a file (weights, configuration, item ids, training users unless left out).
    let file: ModelFile
    /// What answers the queries.
    public let recommender: Recommender
    /// The kind of model.
    public var kind: ModelKind { file.header.resolvedKind }
    /// Items the model scores, in its output order.
    public var itemIDs: [String] { file.header.itemIDs }
    /// Validation metrics of the kept weights; nil when the fit had no validation users.
    public var validation: RankingMetrics? { file.header.validation }
    let threadCount: Int

    init(file: ModelFile, threads: Int, precision: InferencePrecision = .float32) {
        self.file = file
        threadCount = threads
        recommender = Recommender(
            file: file, gemm: GEMM.load(threadCount: threads), threadCount: threads, precision: precision)
    }

    /// Fits a model on `interactions` (no train / validation / test files needed).
    ///
    /// Runs on a thread of its own with ``FitOptions/threads`` workers, so the calling task's executor stays
    /// free; cancelling the task stops the fit after the current epoch. Deterministic for a seed
    /// (``FitOptions/training``) and thread count.
    /// - Parameters:
    ///   - interactions: the rows to learn from; rows below ``FitOptions/minimumWeight`` do not count.
    ///   - options: model kind, hyperparameters, validation users, threads, precision.
    ///   - progress: called after every epoch (from the fit's thread).
    /// - Throws: ``CollaborativeFilterError``.
    public static func fit(
        _ interactions: Interactions, options: FitOptions = FitOptions(),
        progress: @escaping @Sendable (FitProgress) -> Void = { _ in }
    ) async throws(CollaborativeFilterError) -> CollaborativeFilter {
        let cancelled = Locked(CancellationFlag())
        let result: Result<ModelFile, CollaborativeFilterError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    continuation.resume(
                        returning: Result { () throws(CollaborativeFilterError) in
                            try FitRun(options: options, progress: progress) { cancelled.withLock { $0.isSet } }
                                .model(of: interactions)
                        })
                }
            }
        } onCancel: {
            cancelled.withLock { $0.isSet = true }
        }
        return CollaborativeFilter(file: try result.get(), threads: options.threadCount)
    }

    /// Recommendations for a user of the fit, by id: their items are the input and (by default) left out;
    /// `allow` (when given) restricts the candidates, `exclude` removes some.
    /// - Throws: ``RecommenderError`` for an unknown user, or a model saved without its training users.
    public func recommend(
        user: String, count: Int = 10, allow: [String]? = nil, exclude: [String] = [], excludingSeen: Bool = true
    ) throws(RecommenderError) -> [ScoredItem] {
        try recommender.recommend(
            user: user, count: count, exclude: excluded(allow: allow, exclude: exclude), excludingSeen: excludingSeen
        ).items
    }

    /// Recommendations for a new user from the items they touched (fold-in); those items are left out, `allow`
    /// (when given) restricts the candidates, `exclude` removes some. Unknown ids are ignored
    /// (``Recommender/recommend(_:)`` reports them).
    public func recommend(
        items: [String], count: Int = 10, allow: [String]? = nil, exclude: [String] = []
    ) -> [ScoredItem] {
        let query = RecommendationQuery(items: items, count: count, exclude: excluded(allow: allow, exclude: exclude))
        return recommender.recommend([query])[0].items
    }

    /// `exclude`, plus every item outside `allow` when an allow-list is given.
    func excluded(allow: [String]?, exclude: [String]) -> [String] {
        guard let allow else { return exclude }
        let allowed = Set(allow)
        return exclude + itemIDs.filter { !allowed.contains($0) }
    }

    /// The `count` items most similar to `item` (cosine over the item vectors the model learned; see
    /// ``Recommender``), `allow` restricting the candidates and `deny` removing some.
    /// - Throws: ``RecommenderError/unknownItem(_:)``.
    public func similarItems(
        to item: String, count: Int = 10, allow: [String]? = nil, deny: [String] = []
    ) throws(RecommenderError) -> [ScoredItem] {
        try recommender.similarItems(SimilarItemsQuery(item: item, count: count, allow: allow, deny: deny)).items
    }

    /// The paper's metrics on held-out users: each user with at least 5 known items gives a random
    /// `heldOutFraction` of them to rank (all items but their other ones), the rest as input.
    public func evaluate(
        _ users: Interactions, heldOutFraction: Double = 0.2, minimumWeight: Float = 1, seed: UInt64 = 0
    ) -> RankingMetrics {
        let known = Dictionary(uniqueKeysWithValues: itemIDs.enumerated().map { ($1, Int32($0)) })
        let rows = users.itemsByUser(minimumWeight: minimumWeight)
            .map { $0.compactMap { known[users.itemIDs[Int($0)]] } }.filter { !$0.isEmpty }
        var random = RandomSource(seed: seed, stream: 0xE7A1)
        let (foldIn, heldOut) = InteractionSplit.split(rows, fraction: heldOutFraction, random: &random)
        let engine = MultVAEEngine(
            gemm: GEMM.load(threadCount: threadCount), executor: ParallelExecutor(threadCount: threadCount))
        return recommender.model.evaluate(
            engine: engine, foldIn: CSRMatrix(columnCount: itemIDs.count, rows: foldIn),
            heldOut: CSRMatrix(columnCount: itemIDs.count, rows: heldOut), batchSize: 2000)
    }

    /// Writes the model file (`vaecf recommend`, `serve` and ``load(from:threads:precision:)`` read it).
    public func save(to url: URL) throws(ModelFileError) {
        try file.write(to: url)
    }

    /// A model saved by ``save(to:)`` or `vaecf train`.
    public static func load(
        from url: URL, threads: Int? = nil, precision: InferencePrecision = .float32
    ) throws(ModelFileError) -> CollaborativeFilter {
        let file = try ModelFile.readModel(url)
        return CollaborativeFilter(
            file: file, threads: max(1, threads ?? ParallelExecutor.defaultThreadCount), precision: precision)
    }
}

/// Set when the fitting task is cancelled; read and written only through ``Locked``.
final class CancellationFlag {
    var isSet = false
}
