extension JSONValue {
    /// How deeply arrays and objects may nest in a parsed document.
    public static let maximumNesting = 64

    /// Parses one JSON document (RFC 8259) from UTF-8 bytes.
    ///
    /// Numbers without a fraction or exponent that fit in `Int64` become ``integer(_:)``, as do
    /// other numbers whose value is a whole number in `Int64`'s range (`2.0`, `1e2`); the rest
    /// become ``number(_:)``. A key that repeats within an object is an error (readers disagree
    /// on which value counts). A leading UTF-8 byte order mark is skipped.
    ///
    /// - Throws: ``JSONSyntaxError`` naming the byte offset and what was wrong there.
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        let bytes = Array(bytes)
        var parser = JSONParser(bytes: bytes)
        return try parser.document()
    }
}

/// Why a body is not JSON, and where.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Offset of the offending byte from the start of the document.
    public var offset: Int
    public var reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "\(reason) at byte \(offset)" }
}

/// A recursive-descent parser over a document's bytes.
private struct JSONParser {
    let bytes: [UInt8]
    var position = 0
    var depth = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            position = 3
        }
    }

    mutating func document() throws(JSONSyntaxError) -> JSONValue {
        skipWhitespace()
        guard position < bytes.count else {
            throw failure(bytes.isEmpty ? "the document is empty" : "the document holds only whitespace")
        }
        let value = try self.value()
        skipWhitespace()
        guard position == bytes.count else {
            throw failure("unexpected \(describeCurrent()) after the JSON value")
        }
        return value
    }

    // MARK: Values

    private mutating func value() throws(JSONSyntaxError) -> JSONValue {
        guard position < bytes.count else { throw failure("the document ends where a value was expected") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try number()
        default:
            throw failure("unexpected \(describeCurrent()) where a value was expected")
        }
    }

    private mutating func object() throws(JSONSyntaxError) -> JSONValue {
        try enterContainer()
        position += 1
        var members: [String: JSONValue] = [:]
        members.reserveCapacity(8)
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else {
                throw failure("unexpected \(describeCurrent()) where an object key (a string) was expected")
            }
            let keyStart = position
            let key = try string()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else {
                throw failure("unexpected \(describeCurrent()) where ':' was expected after an object key")
            }
            position += 1
            skipWhitespace()
            guard members.updateValue(try value(), forKey: key) == nil else {
                throw JSONSyntaxError(offset: keyStart, reason: "the key \"\(key)\" appears twice in one object")
            }
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                position += 1
            case UInt8(ascii: "}"):
                position += 1
                depth -= 1
                return .object(members)
            default:
                throw failure("unexpected \(describeCurrent()) where ',' or '}' was expected in an object")
            }
        }
    }

    private mutating func array() throws(JSONSyntaxError) -> JSONValue {
        try enterContainer()
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try value())
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                position += 1
            case UInt8(ascii: "]"):
                position += 1
                depth -= 1
                return .array(elements)
            default:
                throw failure("unexpected \(describeCurrent()) where ',' or ']' was expected in an array")
            }
        }
    }

    private mutating func enterContainer() throws(JSONSyntaxError) {
        depth += 1
        guard depth <= JSONValue.maximumNesting else {
            throw failure("arrays and objects nest deeper than \(JSONValue.maximumNesting) levels")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let start = position
        let matches = word.withUTF8Buffer { expected in
            guard bytes.count - position >= expected.count else { return false }
            return bytes[position..<(position + expected.count)].elementsEqual(expected)
        }
        guard matches else {
            throw JSONSyntaxError(offset: start, reason: "expected '\(word)'")
        }
        position += word.utf8CodeUnitCount
    }

    // MARK: Numbers

    private mutating func number() throws(JSONSyntaxError) -> JSONValue {
        let start = position
        var isInteger = true
        if peek() == UInt8(ascii: "-") { position += 1 }
        guard let first = peek(), isDigit(first) else {
            throw failure("a number needs a digit after '-', not \(describeCurrent())")
        }
        position += 1
        if first == UInt8(ascii: "0"), let next = peek(), isDigit(next) {
            throw failure("a number may not start with 0 followed by more digits")
        }
        skipDigits()
        if peek() == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard let digit = peek(), isDigit(digit) else {
                throw failure("a number needs a digit after '.', not \(describeCurrent())")
            }
            skipDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
            guard let digit = peek(), isDigit(digit) else {
                throw failure("a number needs a digit in its exponent, not \(describeCurrent())")
            }
            skipDigits()
        }
        // The literal is ASCII digits and signs: decoding it as UTF-8 cannot fail.
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if isInteger, let integer = Int64(text) {
            return .integer(integer)
        }
        guard let double = Double(text), double.isFinite else {
            throw JSONSyntaxError(offset: start, reason: "the number \(text) is out of range")
        }
        if double == double.rounded(), double >= -9.223_372_036_854_775_808e18, double < 9.223_372_036_854_775_808e18 {
            return .integer(Int64(double))
        }
        return .number(double)
    }

    private mutating func skipDigits() {
        while let byte = peek(), isDigit(byte) {
            position += 1
        }
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    // MARK: Strings

    private mutating func string() throws(JSONSyntaxError) -> String {
        let start = position
        position += 1
        // The common case: no escapes, so the string is a slice of the input.
        let contentStart = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let content = bytes[contentStart..<position]
                position += 1
                return try decodeUTF8(content, at: contentStart)
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw failure("a control character (\(hex(byte))) must be escaped in a string") }
            position += 1
        }
        guard position < bytes.count else {
            throw JSONSyntaxError(offset: start, reason: "a string is not closed")
        }
        var content = Array(bytes[contentStart..<position])
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return try decodeUTF8(content[...], at: contentStart)
            case UInt8(ascii: "\\"):
                try unescape(into: &content)
            case 0..<0x20:
                throw failure("a control character (\(hex(byte))) must be escaped in a string")
            default:
                content.append(byte)
                position += 1
            }
        }
        throw JSONSyntaxError(offset: start, reason: "a string is not closed")
    }

    private mutating func unescape(into content: inout [UInt8]) throws(JSONSyntaxError) {
        let start = position
        position += 1
        guard let escaped = peek() else { throw JSONSyntaxError(offset: start, reason: "a string is not closed") }
        position += 1
        switch escaped {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): content.append(escaped)
        case UInt8(ascii: "b"): content.append(0x08)
        case UInt8(ascii: "f"): content.append(0x0C)
        case UInt8(ascii: "n"): content.append(0x0A)
        case UInt8(ascii: "r"): content.append(0x0D)
        case UInt8(ascii: "t"): content.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = UInt32(try hexQuad(escapeStart: start))
            if (0xD800...0xDBFF).contains(scalar) {
                guard peek() == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u") else {
                    throw JSONSyntaxError(offset: start, reason: "a \\u escape holds an unpaired surrogate")
                }
                let lowStart = position
                position += 2
                let low = UInt32(try hexQuad(escapeStart: lowStart))
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw JSONSyntaxError(offset: start, reason: "a \\u escape holds an unpaired surrogate")
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw JSONSyntaxError(offset: start, reason: "a \\u escape holds an unpaired surrogate")
            }
            // Surrogates are excluded above, so every value left is a Unicode scalar.
            content.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
        default:
            throw JSONSyntaxError(offset: start, reason: "\(describe(escaped)) after a backslash is not a JSON escape")
        }
    }

    private mutating func hexQuad(escapeStart: Int) throws(JSONSyntaxError) -> UInt16 {
        guard bytes.count - position >= 4 else {
            throw JSONSyntaxError(offset: escapeStart, reason: "a \\u escape needs four hexadecimal digits")
        }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw JSONSyntaxError(offset: escapeStart, reason: "a \\u escape needs four hexadecimal digits")
            }
            value = value << 4 | UInt16(digit)
            position += 1
        }
        return value
    }

    private func decodeUTF8(_ content: ArraySlice<UInt8>, at offset: Int) throws(JSONSyntaxError) -> String {
        guard let text = String(validating: content, as: UTF8.self) else {
            throw JSONSyntaxError(offset: offset, reason: "a string is not valid UTF-8")
        }
        return text
    }

    // MARK: Helpers

    private func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    private mutating func skipWhitespace() {
        while let byte = peek(),
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\t")
        {
            position += 1
        }
    }

    private func failure(_ reason: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: position, reason: reason)
    }

    private func describeCurrent() -> String {
        guard let byte = peek() else { return "end of the document" }
        return describe(byte)
    }

    private func describe(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : hex(byte)
    }

    private func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "byte 0x\(digits[Int(byte >> 4)])\(digits[Int(byte & 0xF)])"
    }
}
