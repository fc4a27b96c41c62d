/// Writes JSON string literals into bytes, for the hand-written JSON on hot paths (order
/// events, log lines).
package enum JSONString {
    /// Appends `value` in quotes: `"` and `\` escaped, control characters as `\b`, `\f`, `\n`,
    /// `\r`, `\t` or `\u00xx` (as `JSONEncoder` writes them), everything else as UTF-8. With
    /// `escapingLineSeparators`, U+2028 and U+2029 too, as `\u2028` and `\u2029`: JavaScript
    /// reads them as line ends.
    package static func append(_ value: String, to bytes: inout [UInt8], escapingLineSeparators: Bool = false) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var runStart = 0
            var index = 0
            while index < utf8.count {
                let byte = utf8[index]
                let length: Int
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x00..<0x20:
                    length = 1
                case 0xE2 where escapingLineSeparators && index + 2 < utf8.count && utf8[index + 1] == 0x80
                    && (utf8[index + 2] == 0xA8 || utf8[index + 2] == 0xA9):
                    length = 3
                default:
                    index += 1
                    continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, byte])
                case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0xE2: appendUnicodeEscape(0x2000 | UInt16(utf8[index + 2] - 0x80), to: &bytes)
                default: appendUnicodeEscape(UInt16(byte), to: &bytes)
                }
                index += length
                runStart = index
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `\uXXXX`, lowercase hex.
    private static func appendUnicodeEscape(_ value: UInt16, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: [0x5C, UInt8(ascii: "u")])
        for shift: UInt16 in [12, 8, 4, 0] {
            let digit = UInt8((value >> shift) & 0xF)
            bytes.append(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10)
        }
    }
}
