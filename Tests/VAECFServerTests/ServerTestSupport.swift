import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import VAECF
import VAECFCompute
import VAECFServer

/// A backend with a known answer: items `"<prefix>0" ..< "<prefix>(itemCount-1)"`, recommended in index
/// order (skipping the query's items and exclusions) with scores `tag`, `tag/2`, `tag/3`, ...; ids outside the
/// catalog are reported unknown. Optionally slow; records every batch size.
final class FakeBackend: RecommendationBackend, @unchecked Sendable {
    let itemCount: Int
    let prefix: String
    let tag: Float
    let delay: TimeInterval
    private let lock = NSLock()
    private var batches: [Int] = []

    init(itemCount: Int = 50, prefix: String = "i", tag: Float = 1, delay: TimeInterval = 0) {
        self.itemCount = itemCount
        self.prefix = prefix
        self.tag = tag
        self.delay = delay
    }

    var description: ModelDescription {
        ModelDescription(
            itemCount: itemCount, encoderDimensions: [8, 4], activation: "tanh", datasetFingerprint: "fake-\(prefix)",
            validation: ["ndcg@100": 0.5], precision: "float32", epochs: 3, path: "/fake/\(prefix)")
    }

    /// Sizes of the batches answered so far, in order.
    var batchSizes: [Int] { lock.withLock { batches } }

    func recommend(_ queries: [RecommendationQuery]) -> [RecommendationResult] {
        lock.withLock { batches.append(queries.count) }
        if delay > 0 { Thread.sleep(forTimeInterval: delay) }
        return queries.map { query in
            let known = Set((0..<itemCount).map { "\(prefix)\($0)" })
            let excluded = Set(query.items + query.exclude)
            var unknown = [String]()
            for id in query.items + query.exclude where !known.contains(id) && !unknown.contains(id) {
                unknown.append(id)
            }
            var items = [ScoredItem]()
            for index in 0..<itemCount where items.count < query.count {
                let id = "\(prefix)\(index)"
                if !excluded.contains(id) { items.append(ScoredItem(id: id, score: tag / Float(items.count + 1))) }
            }
            return RecommendationResult(items: items, unknown: unknown)
        }
    }
}

/// Helpers shared by the server tests.
enum ServerTest {
    /// A JSON body.
    static func body(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    /// A JSON body of an encodable value.
    static func body(_ value: some Encodable) throws -> ByteBuffer {
        ByteBuffer(bytes: try JSONEncoder().encode(value))
    }

    /// Decodes a response body.
    static func decode<Value: Decodable>(_ type: Value.Type, _ response: TestResponse) throws -> Value {
        try JSONDecoder().decode(type, from: Data(String(buffer: response.body).utf8))
    }

    /// The error detail of an error response, after checking its status and JSON content type.
    static func error(
        _ response: TestResponse, status: HTTPResponse.Status,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> APIError.Body.Detail {
        #expect(response.status == status, "body: \(String(buffer: response.body))", sourceLocation: sourceLocation)
        #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
        let detail = try decode(APIError.Body.self, response).error
        #expect(detail.status == Int(status.code), sourceLocation: sourceLocation)
        return detail
    }

    /// Runs `body` with a service around `backend` and shuts it down afterwards.
    static func withService<Value>(
        _ backend: any RecommendationBackend, path: String? = nil, loader: BackendLoader? = nil,
        reloadDirectory: URL? = nil, limits: ServerLimits = ServerLimits(),
        _ body: (RecommendationService) async throws -> Value
    ) async throws -> Value {
        let service = RecommendationService(
            backend: backend, path: path, loader: loader, reloadDirectory: reloadDirectory, limits: limits)
        defer { service.shutdown() }
        return try await body(service)
    }

    /// A real model file of `itemCount` items (`"item0"`, `"item1"`, ...) with seeded random weights.
    static func writeModelFile(itemCount: Int = 50, seed: UInt64 = 1, to url: URL) throws {
        let model = MultVAE(
            configuration: MultVAEConfiguration(itemCount: itemCount, encoderDimensions: [16, 4]), seed: seed)
        let file = ModelFile(
            header: .init(
                kind: .model, model: model.configuration, training: nil,
                itemIDs: (0..<itemCount).map { "item\($0)" }, datasetFingerprint: "test-\(seed)", epoch: 1,
                step: 1, bestEpoch: 0, validation: nil, backend: "portable", threads: 1),
            parameters: model.parameters.array, optimizer: nil, bestParameters: nil)
        try file.write(to: url)
    }

    /// Loads a real model file with the portable GEMM on one thread.
    static let realLoader: BackendLoader = { path in
        try Recommender.load(URL(fileURLWithPath: path), gemm: .portable(threadCount: 1), threadCount: 1)
    }

    /// A fresh temporary folder, removed by the caller.
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vaecf-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}
