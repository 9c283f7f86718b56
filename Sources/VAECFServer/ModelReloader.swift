import Dispatch
import Logging
import VAECF

/// Loads model files in the background and swaps them into service, one reload at a time.
///
/// Loads run on one serial queue, so overlapping reload requests load one after the other (never two models in
/// memory at once) and are swapped in in the order they were asked for; the actor alone would let a second
/// reload start while the first waits for its load. A failed load leaves the model in service untouched; the
/// error is logged and returned.
actor ModelReloader {
    private let slot: BackendSlot
    private let loader: BackendLoader?
    private let metrics: ServerMetrics
    private let logger: Logger
    /// Where the blocking loads run, one at a time.
    private let loads = DispatchQueue(label: "vaecf.model-reload")
    /// The file in service; a reload without a path reads it again.
    private(set) var path: String?

    init(slot: BackendSlot, path: String?, loader: BackendLoader?, metrics: ServerMetrics, logger: Logger) {
        self.slot = slot
        self.path = path
        self.loader = loader
        self.metrics = metrics
        self.logger = logger
    }

    /// Loads `newPath` (or the current file again), puts it in service and returns its description.
    /// - Throws: 409 `reload_unavailable` without a loader or a path; 422 `reload_failed` naming the load error
    ///   (the old model stays in service).
    func reload(path newPath: String?) async throws(APIError) -> ModelDescription {
        guard let loader else {
            throw APIError(.conflict, code: "reload_unavailable", "this server was started without a model loader")
        }
        guard let target = newPath ?? path else {
            throw APIError(.conflict, code: "reload_unavailable", "no model path is known; pass {\"path\": \"...\"}")
        }
        logger.info("reloading the model from \(target)")
        let loaded: Result<any RecommendationBackend, LoadFailure> = await withCheckedContinuation { continuation in
            // File reading and weight conversion are blocking: keep them off the cooperative pool.
            loads.async {
                do {
                    continuation.resume(returning: .success(try loader(target)))
                } catch {
                    continuation.resume(returning: .failure(LoadFailure(message: String(describing: error))))
                }
            }
        }
        switch loaded {
        case .success(let backend):
            let generation = slot.replace(with: backend)
            path = target
            metrics.recordReload(succeeded: true, itemCount: backend.itemCount)
            logger.info("model \(target) in service (generation \(generation), \(backend.itemCount) items)")
            return backend.description
        case .failure(let failure):
            metrics.recordReload(succeeded: false, itemCount: nil)
            logger.error("reload of \(target) failed, the previous model stays in service: \(failure.message)")
            throw APIError(.unprocessableContent, code: "reload_failed",
                           "cannot load \(target): \(failure.message); the previous model stays in service")
        }
    }

    private struct LoadFailure: Error {
        let message: String
    }
}
