import Logging

/// Writes JSON text by hand for log lines: faster than an encoder, and metadata values map
/// directly onto JSON strings, arrays and objects.
enum JSONText {
    static func appendPair(_ out: inout String, _ key: String, _ value: Logger.MetadataValue, first: Bool = false) {
        if !first { out += "," }
        appendString(&out, key)
        out += ":"
        appendValue(&out, value)
    }

    static func appendValue(_ out: inout String, _ value: Logger.MetadataValue) {
        switch value {
        case .string(let string):
            appendString(&out, string)
        case .stringConvertible(let convertible):
            appendString(&out, convertible.description)
        case .array(let values):
            out += "["
            for (index, element) in values.enumerated() {
                if index > 0 { out += "," }
                appendValue(&out, element)
            }
            out += "]"
        case .dictionary(let dictionary):
            out += "{"
            for (index, key) in dictionary.keys.sorted().enumerated() {
                appendPair(&out, key, dictionary[key]!, first: index == 0)
            }
            out += "}"
        }
    }

    static func appendString(_ out: inout String, _ string: String) {
        out += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
