import VAECFCompute
/// One item and its score.
///
/// `score` is the model's softmax probability of the item for the user (see ``Recommender``): the
/// multinomial over all items, the user's own items included in the normalization, so scores of one answer
/// are comparable between users and sum to at most 1.
public struct ScoredItem: Sendable, Codable, Equatable {
    /// The item's original id.
    public var id: String
    /// Softmax probability in `[0, 1]`.
    public var score: Float

    /// An item and its score.
    public init(id: String, score: Float) {
        self.id = id
        self.score = score
    }
}

/// A recommendation request: the items a user touched (original ids), how many to return, items to leave out.
public struct RecommendationQuery: Sendable, Equatable {
    /// Items the user interacted with (the fold-in); duplicates count once, unknown ids are reported.
    public var items: [String]
    /// How many items to return; `<= 0` returns none, more than the candidates returns all candidates.
    public var count: Int
    /// Further items that must not be recommended (besides `items`).
    public var exclude: [String]

    /// A query for the `count` best items for a user who touched `items`, without `exclude`.
    public init(items: [String], count: Int, exclude: [String] = []) {
        self.items = items
        self.count = count
        self.exclude = exclude
    }
}

/// The answer: top items best first (the user's own items and `exclude` never appear), ids that the model
/// does not know.
public struct RecommendationResult: Sendable, Equatable, Codable {
    /// At most `count` items, best first (ties: the item earlier in the model's item order first).
    public var items: [ScoredItem]
    /// Ids of the query's `items` and `exclude` that the model does not know, each once, in order of first
    /// appearance (items first).
    public var unknown: [String]

    /// An answer.
    public init(items: [ScoredItem], unknown: [String]) {
        self.items = items
        self.unknown = unknown
    }
}

/// What the server shows at `GET /v1/model`.
public struct ModelDescription: Sendable, Codable, Equatable {
    /// Items the model scores (width of its input and output).
    public var itemCount: Int
    /// Encoder widths after the input, latent size last (e.g. `[600, 200]`).
    public var encoderDimensions: [Int]
    /// Hidden-layer activation (`tanh` or `relu`; `swish` for RecVAE, `none` for EASE).
    public var activation: String
    /// Fingerprint of the dataset the model was trained on.
    public var datasetFingerprint: String
    /// Best validation metrics recorded in the file (`ndcg@100`, `recall@20`, ..., `users`); empty if none.
    public var validation: [String: Double]
    /// Precision of the output layer's weights at inference (`float32` or `float16`).
    public var precision: String
    /// Training epochs completed.
    public var epochs: Int
    /// The file the model was read from (empty when built in memory).
    public var path: String
    /// The model kind (``ModelKind``: `multvae`, `multdae`, `ease`); absent in descriptions of earlier versions.
    public var model: String?

    /// A description with every field given.
    public init(
        itemCount: Int, encoderDimensions: [Int], activation: String, datasetFingerprint: String,
        validation: [String: Double], precision: String, epochs: Int, path: String
    ) {
        self.itemCount = itemCount
        self.encoderDimensions = encoderDimensions
        self.activation = activation
        self.datasetFingerprint = datasetFingerprint
        self.validation = validation
        self.precision = precision
        self.epochs = epochs
        self.path = path
    }
}

/// Storage precision of the output layer's weights `[hidden, items]` at inference. Accumulation is always
/// in float32; `float16` and `bfloat16` halve the memory streamed per query (the output layer dominates it).
/// `bfloat16` also rounds the layer's input to bfloat16 and multiplies with AVX512-BF16 instructions
/// (`ComputePrecision.bfloat16`): it needs a CPU that has them (``missingInstructions``).
public enum InferencePrecision: String, Sendable, Codable, CaseIterable {
    case float32, float16, bfloat16

    /// Parses `float32` / `fp32` / `f32`, `float16` / `fp16` / `f16` / `half` and `bfloat16` / `bf16`, in any
    /// case.
    public init?(name: String) {
        switch name.lowercased() {
        case "float32", "fp32", "f32": self = .float32
        case "float16", "fp16", "f16", "half": self = .float16
        case "bfloat16", "bf16": self = .bfloat16
        default: return nil
        }
    }

    /// The instructions this precision needs that the CPU lacks (empty when it runs here).
    public var missingInstructions: [String] {
        self == .bfloat16 ? ComputePrecision.missingInstructions(for: .bfloat16) : []
    }

    /// The precisions this CPU runs.
    public static var supportedCases: [InferencePrecision] { allCases.filter { $0.missingInstructions.isEmpty } }
}
