import Foundation

extension APIError {
    /// The 400 for a JSON body that does not decode, naming the JSON path and the expected type.
    init(_ error: DecodingError) {
        switch error {
        case .typeMismatch(let type, let context):
            self = .wrongType(field: Self.path(context.codingPath), expected: Self.jsonName(type))
        case .valueNotFound(let type, let context):
            self = .nullValue(field: Self.path(context.codingPath), expected: Self.jsonName(type))
        case .keyNotFound(let key, let context):
            self = .missingField(Self.path(context.codingPath + [key]))
        case .dataCorrupted(let context) where !context.codingPath.isEmpty:
            self = .invalidValue(field: Self.path(context.codingPath), reason: context.debugDescription)
        case .dataCorrupted(let context):
            let reason = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
            self = .malformedJSON(reason: reason ?? context.debugDescription)
        @unknown default:
            self = .malformedJSON(reason: "\(error)")
        }
    }

    /// `users[2].items[0]` style path; `(body)` for the body itself.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return text.isEmpty ? "(body)" : text
    }

    /// JSON's word for a Swift type.
    static func jsonName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "a boolean"
        case is [Any].Type, is [String].Type, is [RecommendRequest].Type: "an array"
        default: String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}
