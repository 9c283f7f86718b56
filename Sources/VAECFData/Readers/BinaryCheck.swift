/// Refuses input that is not text, naming what it looks like.
enum BinaryCheck {
    /// Leading bytes of compressed or binary formats that vaecf does not read, with their names.
    static let knownSignatures: [([UInt8], String)] = [
        ([0x42, 0x5A, 0x68], "bzip2-compressed"), ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "xz-compressed"),
        ([0x28, 0xB5, 0x2F, 0xFD], "zstd-compressed"), ([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C], "a 7-Zip archive"),
        (Array("PAR1".utf8), "a Parquet file"), (Array("VAECF".utf8), "a vaecf binary file"),
    ]

    /// Throws unless the first 64 KiB of `bytes` look like text: no NUL byte and at most 1% other control
    /// characters (tab, line feed and carriage return excepted).
    static func requireText(_ bytes: UnsafeBufferPointer<UInt8>, path: String) throws(DataError) {
        let sample = bytes.prefix(1 << 16)
        for (signature, name) in knownSignatures where sample.starts(with: signature) {
            throw DataError.notText(file: path, reason: "it looks like \(name)")
        }
        if let offset = sample.firstIndex(of: 0) {
            throw DataError.notText(file: path, reason: "it holds binary data (a NUL byte at offset \(offset))")
        }
        let controls = sample.reduce(0) { count, byte in
            count + ((byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) || byte == 0x7F ? 1 : 0)
        }
        if controls * 100 > sample.count {
            throw DataError.notText(
                file: path, reason: "\(controls) of its first \(sample.count) bytes are control characters")
        }
    }
}
