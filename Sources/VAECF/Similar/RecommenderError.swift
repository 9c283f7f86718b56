import Foundation

/// A query by id that a ``Recommender`` cannot answer.
public enum RecommenderError: Error, Equatable, LocalizedError, CustomStringConvertible {
    /// The item id is not one of the model's items.
    case unknownItem(String)
    /// The user id is not one of the training users the model file keeps.
    case unknownUser(String)
    /// The model file keeps no training users (written with `--no-user-histories`, or before they were kept),
    /// so users cannot be asked for by id; `model` names the file.
    case noTrainingUsers(model: String)

    /// The text for logs, messages and errors.
    public var description: String {
        switch self {
        case .unknownItem(let identifier): "unknown item id \"\(identifier)\": the model has no such item"
        case .unknownUser(let identifier): "unknown user id \"\(identifier)\": not a training user of the model"
        case .noTrainingUsers(let model):
            "\(model.isEmpty ? "the model" : model) keeps no training users, so users cannot be asked for by id (train without --no-user-histories, or send the user's items)"
        }
    }

    /// The same text as `description`.
    public var errorDescription: String? { description }
}
