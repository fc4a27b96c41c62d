import ConveyorRuntime
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

    /// A JSON string, with U+2028 and U+2029 escaped too (JavaScript reads them as line ends).
    mutating func string(_ value: String) {
        JSONString.append(value, to: &bytes, escapingLineSeparators: true)
    }
}
