#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-level parsing of single fields: ids and ratings, without creating a `String` per field.
enum FieldParsing {
    /// `field` without leading and trailing spaces.
    @inline(__always)
    static func trimmed(_ field: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard let start = field.baseAddress, field.count > 0 else { return field }
        var lower = 0
        var upper = field.count
        while lower < upper && start[lower] == UInt8(ascii: " ") { lower += 1 }
        while upper > lower && start[upper - 1] == UInt8(ascii: " ") { upper -= 1 }
        return UnsafeBufferPointer(start: start + lower, count: upper - lower)
    }

    /// The value of `field` when it is a canonical non-negative decimal integer (digits only, no
    /// leading zero unless it is `0`, at most 18 digits); otherwise nil.
    @inline(__always)
    static func canonicalInteger(_ field: UnsafeBufferPointer<UInt8>) -> Int64? {
        let count = field.count
        guard count > 0, count <= 18, let start = field.baseAddress else { return nil }
        if start[0] == UInt8(ascii: "0") && count > 1 { return nil }
        var value: Int64 = 0
        for offset in 0..<count {
            let digit = start[offset] &- UInt8(ascii: "0")
            if digit > 9 { return nil }
            value = value &* 10 &+ Int64(digit)
        }
        return value
    }

    /// Exact powers of ten `1e0 ... 1e22`: dividing by one of them rounds correctly.
    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// The value of a decimal number such as `3.5`, `4`, `-0.25`, `.5` or `1e-3`; nil when `field` is
    /// not a finite number. Results equal `strtod`'s (correctly rounded).
    @inline(__always)
    static func number(_ field: UnsafeBufferPointer<UInt8>) -> Double? {
        guard let start = field.baseAddress, field.count > 0 else { return nil }
        let end = field.count
        var position = 0
        var negative = false
        if start[0] == UInt8(ascii: "-") || start[0] == UInt8(ascii: "+") {
            negative = start[0] == UInt8(ascii: "-")
            position = 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        while position < end, case let digit = start[position] &- UInt8(ascii: "0"), digit <= 9 {
            mantissa = mantissa &* 10 &+ UInt64(digit)
            digits += 1
            position += 1
        }
        if position < end && start[position] == UInt8(ascii: ".") {
            position += 1
            while position < end, case let digit = start[position] &- UInt8(ascii: "0"), digit <= 9 {
                mantissa = mantissa &* 10 &+ UInt64(digit)
                digits += 1
                fractionDigits += 1
                position += 1
            }
        }
        guard position == end, digits > 0, digits <= 15 else { return numberBySystem(field) }
        let magnitude = Double(mantissa) / powersOfTen[fractionDigits]
        return negative ? -magnitude : magnitude
    }

    /// Slow path of ``number(_:)``: exponents and long mantissas, through `strtod`.
    private static func numberBySystem(_ field: UnsafeBufferPointer<UInt8>) -> Double? {
        let count = field.count
        guard count < 64 else { return nil }
        for byte in field {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"),
                UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"):
                continue
            default:
                return nil
            }
        }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { text -> Double? in
            for offset in 0..<count { text[offset] = CChar(bitPattern: field[offset]) }
            text[count] = 0
            guard let base = text.baseAddress else { return nil }
            var parsedEnd: UnsafeMutablePointer<CChar>? = nil
            let value = strtod(base, &parsedEnd)
            guard parsedEnd == base + count, value.isFinite else { return nil }
            return value
        }
    }

    /// The most bytes of input an error message quotes.
    static let excerptLimit = 80

    /// `field` as text for an error message, quoted: at most ``excerptLimit`` bytes, then `... (N bytes)`;
    /// control characters are shown as `\xNN`.
    static func quoted(_ field: UnsafeBufferPointer<UInt8>) -> String {
        var cut = min(field.count, excerptLimit)
        // Do not split a UTF-8 sequence: back up over continuation bytes.
        while cut > 0 && cut < field.count && field[cut] & 0xC0 == 0x80 { cut -= 1 }
        var text = ""
        for scalar in String(decoding: field.prefix(cut), as: UTF8.self).unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                text += "\\x" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return "'" + text + (field.count > cut ? "... (\(field.count) bytes)'" : "'")
    }

    /// `text` quoted as ``quoted(_:)`` does, without the quotes.
    static func shortened(_ text: String) -> String {
        var text = text
        let quotedText = text.withUTF8 { quoted($0) }
        return String(quotedText.dropFirst().dropLast())
    }

    /// A delimiter as shown in messages.
    static func delimiterName(_ delimiter: UInt8, doubled: Bool) -> String {
        if doubled { return "'\(Character(Unicode.Scalar(delimiter)))\(Character(Unicode.Scalar(delimiter)))'" }
        switch delimiter {
        case UInt8(ascii: "\t"): return "tab"
        default: return "'\(Character(Unicode.Scalar(delimiter)))'"
        }
    }
}

extension String {
    /// The string with leading zeros up to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
