/// The quoted-printable content transfer encoding of RFC 2045 §6.7, for text.
enum QuotedPrintable {
    /// RFC 2045: encoded lines are at most 76 characters, the soft break's `=` included.
    static let lineLimit = 76

    /// Encodes the lines of a text (their bytes, without line breaks), ending each with
    /// CRLF. Long lines get soft line breaks; spaces and tabs at the end of a line, `=`,
    /// and every byte outside printable ASCII are written as `=XX`.
    static func encode(lines: [ArraySlice<UInt8>]) -> [UInt8] {
        var output: [UInt8] = []
        for line in lines {
            var lineLength = 0
            for index in line.indices {
                let byte = line[index]
                let isLast = index == line.index(before: line.endIndex)
                let isLiteral: Bool
                switch byte {
                case UInt8(ascii: " "), UInt8(ascii: "\t"): isLiteral = !isLast
                case UInt8(ascii: "="): isLiteral = false
                case 33...126: isLiteral = true
                default: isLiteral = false
                }
                let tokenLength = isLiteral ? 1 : 3
                // The last token may use the 76th column; any other needs room for the "=".
                let limit = isLast ? lineLimit : lineLimit - 1
                if lineLength + tokenLength > limit {
                    output += [UInt8(ascii: "="), 13, 10]
                    lineLength = 0
                }
                if isLiteral {
                    output.append(byte)
                } else {
                    output += [UInt8(ascii: "="), hexDigit(byte >> 4), hexDigit(byte & 0x0F)]
                }
                lineLength += tokenLength
            }
            output += [13, 10]
        }
        return output
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "A") + value - 10
    }
}
