import Logging

/// JSON text written by hand into bytes, for log lines and the readiness report: faster than
/// an encoder, and metadata values map directly onto JSON strings, arrays and objects.
struct JSONText {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    /// The text as a string (it is valid UTF-8: everything written came from strings).
    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Bytes written as they are: punctuation and literals.
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func pair(_ key: String, _ value: Logger.MetadataValue, first: Bool = false) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        string(key)
        bytes.append(UInt8(ascii: ":"))
        self.value(value)
    }

    mutating func value(_ value: Logger.MetadataValue) {
        switch value {
        case .string(let string):
            self.string(string)
        case .stringConvertible(let convertible):
            string(convertible.description)
        case .array(let values):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in values.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                self.value(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .dictionary(let dictionary):
            bytes.append(UInt8(ascii: "{"))
            for (index, key) in dictionary.keys.sorted().enumerated() {
                pair(key, dictionary[key]!, first: index == 0)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// A JSON string: quotes, backslashes and control characters escaped, and U+2028 and
    /// U+2029 too (JavaScript reads them as line ends); everything else as UTF-8.
    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var runStart = 0
            var index = 0
            while index < utf8.count {
                let byte = utf8[index]
                let escape: [UInt8]
                let length: Int
                switch byte {
                case UInt8(ascii: "\""): (escape, length) = ([0x5C, 0x22], 1)
                case UInt8(ascii: "\\"): (escape, length) = ([0x5C, 0x5C], 1)
                case 0x0A: (escape, length) = ([0x5C, UInt8(ascii: "n")], 1)
                case 0x0D: (escape, length) = ([0x5C, UInt8(ascii: "r")], 1)
                case 0x09: (escape, length) = ([0x5C, UInt8(ascii: "t")], 1)
                case 0x00..<0x20: (escape, length) = (Self.unicodeEscape(UInt16(byte)), 1)
                case 0xE2 where index + 2 < utf8.count && utf8[index + 1] == 0x80 && (utf8[index + 2] == 0xA8 || utf8[index + 2] == 0xA9):
                    (escape, length) = (Self.unicodeEscape(0x2000 | UInt16(utf8[index + 2] - 0x80)), 3)
                default:
                    index += 1
                    continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                bytes.append(contentsOf: escape)
                index += length
                runStart = index
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `\uXXXX`, lowercase hex.
    private static func unicodeEscape(_ value: UInt16) -> [UInt8] {
        [0x5C, UInt8(ascii: "u")] + [12, 8, 4, 0].map { shift in
            let digit = UInt8((value >> shift) & 0xF)
            return digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
        }
    }
}
