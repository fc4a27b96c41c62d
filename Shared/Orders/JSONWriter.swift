import ConveyorRuntime

/// Writes JSON text into bytes, for the hot paths that encode the same shape over and over
/// (order events); `JSONEncoder` does the same work through `Encodable`'s existentials.
///
/// Commas go in by themselves: a member or element after another is preceded by one.
struct JSONWriter {
    fileprivate(set) var bytes: [UInt8] = []
    /// True after a value, until the next object or array opens.
    private var needsComma = false

    init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    mutating func beginObject() { open(UInt8(ascii: "{")) }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func beginArray() { open(UInt8(ascii: "[")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    /// `"key":`. Keys are plain ASCII names: they are written as they are.
    mutating func key(_ key: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        needsComma = false
    }

    /// `"key":"value"`, or nothing when `value` is nil (as `JSONEncoder` leaves out nil members).
    mutating func member(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        self.key(key)
        string(value)
    }

    mutating func integer(_ value: some BinaryInteger) {
        raw(String(value))
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        needsComma = false
    }

    private mutating func close(_ bracket: UInt8) {
        bytes.append(bracket)
        needsComma = true
    }

    /// A value written as it is (a number or a literal).
    fileprivate mutating func raw(_ text: String) {
        separate()
        bytes.append(contentsOf: text.utf8)
        needsComma = true
    }

    /// A JSON string: quotes, backslashes and control characters escaped, `/` and everything
    /// else as UTF-8.
    mutating func string(_ value: String) {
        separate()
        JSONString.append(value, to: &bytes)
        needsComma = true
    }
}

extension JSONValue {
    /// The value as compact JSON text, object keys sorted. A number that is not finite (JSON
    /// has none) is written as `null`.
    public var jsonText: String {
        var json = JSONWriter(capacity: 128)
        json.value(self)
        return String(decoding: json.bytes, as: UTF8.self)
    }
}

extension JSONWriter {
    mutating func value(_ value: JSONValue) {
        switch value {
        case .null:
            raw("null")
        case .bool(let flag):
            raw(flag ? "true" : "false")
        case .integer(let number):
            integer(number)
        case .number(let number):
            raw(number.isFinite ? number.description : "null")
        case .string(let text):
            string(text)
        case .array(let elements):
            beginArray()
            for element in elements {
                self.value(element)
            }
            endArray()
        case .object(let members):
            beginObject()
            for key in members.keys.sorted() {
                string(key)
                bytes.append(UInt8(ascii: ":"))
                needsComma = false
                self.value(members[key]!)
            }
            endObject()
        }
    }
}
