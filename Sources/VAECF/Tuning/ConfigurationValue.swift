/// One value of a configuration file's `settings` object: whichever JSON type the file holds, checked against
/// the type the setting needs by ``RunConfigurationFile``.
enum ConfigurationValue: Codable, Equatable, CustomStringConvertible {
    case flag(Bool)
    case integer(Int)
    case number(Double)
    case text(String)
    case integers([Int])
    /// A JSON value of another shape (null, an object, an array of non-integers).
    case other

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) {
            self = .flag(value)
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .text(value)
        } else if let value = try? container.decode([Int].self) {
            self = .integers(value)
        } else {
            self = .other
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .flag(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .text(let value): try container.encode(value)
        case .integers(let value): try container.encode(value)
        case .other: try container.encodeNil()
        }
    }

    var description: String {
        switch self {
        case .flag(let value): return "\(value)"
        case .integer(let value): return "\(value)"
        case .number(let value): return "\(value)"
        case .text(let value): return "\"\(value)\""
        case .integers(let value): return "\(value)"
        case .other: return "a value of another type"
        }
    }

    /// The value as a number (a JSON integer counts), or nil.
    var double: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .number(let value): return value
        default: return nil
        }
    }
}

/// The JSON keys of an object whose keys are not known in advance.
struct DynamicKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
