import Foundation

/// A search that cannot start or go on.
package enum TuningError: Error, LocalizedError, CustomStringConvertible, Equatable {
    /// A searched dimension that does not exist or has an unusable range.
    case invalidSpace(String)
    /// Search settings that cannot work (no trials, no epochs).
    case invalidPlan(String)
    /// The state folder holds another search.
    case differentSearch(path: String, differences: [String])
    /// The state file is there but cannot be used.
    case unreadableState(path: String, reason: String)
    /// The data has no training or no validation users.
    case unusableData(String)
    /// The budget ran out before any evaluation finished.
    case nothingEvaluated

    package var description: String {
        switch self {
        case .invalidSpace(let reason): return "--space: \(reason)"
        case .invalidPlan(let reason): return reason
        case .differentSearch(let path, let differences):
            return "\(path) holds another search; it can be continued only with the same search arguments, but "
                + "this run has \(differences.joined(separator: ", ")). Give the same arguments to continue it, or "
                + "another --state (or remove that folder) to start a new search"
        case .unreadableState(let path, let reason): return "\(path): cannot continue the search: \(reason)"
        case .unusableData(let reason): return reason
        case .nothingEvaluated:
            return "no trial was evaluated within the budget: raise --time-limit or --max-evaluations"
        }
    }

    package var errorDescription: String? { description }
}
