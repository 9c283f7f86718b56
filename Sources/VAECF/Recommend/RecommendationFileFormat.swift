/// Text formats of batch recommendations, one user at a time, so large outputs stream.
///
/// - `csv`: header `user,rank,item,score`, then one line per recommended item, ranks from 1, fields quoted
///   as in RFC 4180 when they hold a comma, a quote or a line break.
/// - `jsonl`: one JSON object per user, `{"user":"42","items":[{"id":"50","score":0.0123}],"unknown":["x"]}`
///   (the shape of ``RecommendationResult`` with the user added).
///
/// Scores are written with the shortest text that reads back as the same `Float`.
package enum RecommendationFileFormat: String, CaseIterable, Sendable {
    case csv, jsonl

    /// The format a file name implies: `.jsonl`, `.ndjson` or `.json` give `jsonl`, `.csv` gives `csv`.
    package static func inferred(fromPath path: String) -> RecommendationFileFormat? {
        let lowered = path.lowercased()
        if lowered.hasSuffix(".jsonl") || lowered.hasSuffix(".ndjson") || lowered.hasSuffix(".json") { return .jsonl }
        if lowered.hasSuffix(".csv") { return .csv }
        return nil
    }

    /// The first line of the file (with its newline), if the format has one.
    package var header: String? {
        switch self {
        case .csv: return "user,rank,item,score\n"
        case .jsonl: return nil
        }
    }

    /// The lines (each ending in a newline) for one user's result.
    package func lines(user: String, result: RecommendationResult) -> String {
        var text = ""
        switch self {
        case .csv:
            let userField = Self.csvField(user)
            for (rank, item) in result.items.enumerated() {
                text += "\(userField),\(rank + 1),\(Self.csvField(item.id)),\(Self.number(item.score))\n"
            }
        case .jsonl:
            text += "{\"user\":\(Self.jsonString(user)),\"items\":["
            for (position, item) in result.items.enumerated() {
                if position > 0 { text += "," }
                text += "{\"id\":\(Self.jsonString(item.id)),\"score\":\(Self.number(item.score))}"
            }
            text += "],\"unknown\":["
            text += result.unknown.map(Self.jsonString).joined(separator: ",")
            text += "]}\n"
        }
        return text
    }

    /// A finite float as its shortest round-trip text; `null` in JSON and empty in CSV otherwise.
    static func number(_ value: Float) -> String {
        value.isFinite ? "\(value)" : "null"
    }

    /// `value` as a CSV field: quoted, with quotes doubled, when it holds a comma, a quote or a line break.
    static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingAll("\"", with: "\"\"") + "\""
    }

    /// `value` as a JSON string literal.
    static func jsonString(_ value: String) -> String {
        var text = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }
}

extension String {
    /// Every occurrence of `target` replaced by `replacement` (without Foundation).
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
