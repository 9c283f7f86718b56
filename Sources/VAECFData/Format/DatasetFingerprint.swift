import VAECFCore

extension InteractionDataset {
    /// A stable 64-bit hash of the content: the item and user ids and the five matrices (not the settings).
    /// Two datasets with the same splits have the same fingerprint wherever they were made; model
    /// checkpoints record it to refuse a dataset they were not trained on. Costs one pass over the data.
    package var fingerprint: UInt64 {
        var writer = ByteWriter(capacity: 8 * DatasetBody.shapeWords + 4 * interactionCount + 8 * trainUserIDs.count)
        DatasetBody.append(self, to: &writer)
        return writer.bytes.withUnsafeBytes { Checksum64.of($0) }
    }

    /// ``fingerprint`` as 16 lowercase hexadecimal digits.
    package var fingerprintHex: String { Self.hex(fingerprint) }

    /// `value` as 16 lowercase hexadecimal digits.
    package static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
