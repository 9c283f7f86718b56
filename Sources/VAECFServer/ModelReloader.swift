import Dispatch
import Foundation
import Logging
import VAECF

/// Loads model files in the background and swaps them into service, one reload at a time.
///
/// Loads run on one serial queue, so overlapping reload requests load one after the other (never two models in
/// memory at once) and are swapped in in the order they were asked for; the actor alone would let a second
/// reload start while the first waits for its load. A failed load leaves the model in service untouched; the
/// error is logged in full and answered without file-system detail. A requested path must lie inside the
/// reload directory.
actor ModelReloader {
    private let slot: BackendSlot
    private let loader: BackendLoader?
    private let directory: ReloadDirectory
    private let metrics: ServerMetrics
    private let logger: Logger
    /// Where the blocking loads run, one at a time.
    private let loads = DispatchQueue(label: "vaecf.model-reload")
    /// The file in service; a reload without a path reads it again.
    private(set) var path: String?

    init(
        slot: BackendSlot, path: String?, loader: BackendLoader?, directory: ReloadDirectory, metrics: ServerMetrics,
        logger: Logger
    ) {
        self.slot = slot
        self.path = path
        self.loader = loader
        self.directory = directory
        self.metrics = metrics
        self.logger = logger
    }

    /// Loads `newPath` (inside the reload directory; relative paths are taken there) or the current file
    /// again, puts it in service and returns its description.
    /// - Throws: 409 `reload_unavailable` without a loader or a path; 403 `reload_forbidden` for any path
    ///   outside the reload directory (whether or not it exists); 422 `reload_failed` when the file is missing
    ///   or does not load (the old model stays in service; the cause is logged).
    func reload(path newPath: String?) async throws(APIError) -> ModelDescription {
        guard let loader else { throw .reloadWithoutLoader }
        let target = try self.target(newPath)
        logger.info("reloading the model from \(target)")
        switch await load(target, with: loader) {
        case .success(let backend):
            let generation = slot.replace(with: backend)
            path = target
            metrics.recordReload(succeeded: true, itemCount: backend.itemCount)
            logger.info("model \(target) in service (generation \(generation), \(backend.itemCount) items)")
            return backend.description
        case .failure(let failure):
            metrics.recordReload(succeeded: false, itemCount: nil)
            logger.error("reload of \(target) failed, the previous model stays in service: \(failure.cause)")
            throw .reloadFailed(file: directory.relativeName(of: target), reason: failure.reason)
        }
    }

    /// The file to load: the current one, or `newPath` if it lies inside the reload directory.
    private func target(_ newPath: String?) throws(APIError) -> String {
        guard let newPath else {
            guard let path else { throw .reloadWithoutPath }
            return path
        }
        guard let resolved = directory.resolve(newPath) else {
            logger.warning("reload refused: \(newPath) is outside the reload directory \(directory.lexicalPath)")
            throw .reloadForbidden
        }
        return resolved
    }

    /// Runs the blocking load off the cooperative pool.
    private func load(
        _ target: String, with loader: @escaping BackendLoader
    ) async -> Result<any RecommendationBackend, ModelLoadFailure> {
        await withCheckedContinuation { continuation in
            loads.async {
                do {
                    continuation.resume(returning: .success(try loader(target)))
                } catch {
                    continuation.resume(returning: .failure(ModelLoadFailure(path: target, error: error)))
                }
            }
        }
    }
}

/// Why a reload's model file did not load: logged in full by ``ModelReloader``, answered as
/// ``APIError/reloadFailed(file:reason:)`` without the cause (which may name folders).
enum ModelLoadFailure: Error, Equatable, LocalizedError, CustomStringConvertible {
    /// There is no file at `path`; `cause` is the loader's error.
    case noSuchFile(path: String, cause: String)
    /// The file at `path` exists but the loader refused it; `cause` is the loader's error.
    case notAModelFile(path: String, cause: String)

    /// The failure of loading `path` with `error`, told apart by whether the file exists.
    init(path: String, error: any Error) {
        let cause = String(describing: error)
        self =
            FileManager.default.fileExists(atPath: path)
            ? .notAModelFile(path: path, cause: cause) : .noSuchFile(path: path, cause: cause)
    }

    /// The loader's error.
    var cause: String {
        switch self {
        case .noSuchFile(_, let cause), .notAModelFile(_, let cause): cause
        }
    }

    /// What the answer to the client says of the file.
    var reason: APIError.ReloadFailureReason {
        switch self {
        case .noSuchFile: .noSuchFile
        case .notAModelFile: .notAModelFile
        }
    }

    var description: String {
        switch self {
        case .noSuchFile(let path, let cause): "cannot load \(path): no such file (\(cause))"
        case .notAModelFile(let path, let cause): "cannot load \(path): not a readable model file (\(cause))"
        }
    }

    var errorDescription: String? { description }
}
