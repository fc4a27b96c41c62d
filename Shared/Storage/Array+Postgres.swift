extension Array: PostgresBindable where Element == UInt8 {
    /// Bytes bind as `bytea`.
    public static var postgresType: PostgresDataType { .bytea }

    public var postgresText: String? {
        let digits = Array<UInt8>("0123456789abcdef".utf8)
        var text: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "x")]
        text.reserveCapacity(2 + count * 2)
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

extension Array: PostgresDecodable where Element == UInt8 {
    /// Reads `bytea` (hex output) as its bytes, and `json`/`jsonb` as the UTF-8 JSON text.
    public static func decode(postgresText text: String, type: PostgresDataType) throws(PostgresDecodingError.Reason) -> [UInt8] {
        switch type {
        case .json, .jsonb:
            return Array(text.utf8)
        case .bytea:
            let utf8 = Array(text.utf8)
            guard utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x"), utf8.count % 2 == 0 else {
                throw .invalidValue("bytea is not in hex format")
            }
            var bytes: [UInt8] = []
            bytes.reserveCapacity((utf8.count - 2) / 2)
            var index = 2
            while index < utf8.count {
                guard let high = Self.hexValue(utf8[index]), let low = Self.hexValue(utf8[index + 1]) else {
                    throw .invalidValue("bytea contains a non-hex digit")
                }
                bytes.append(high << 4 | low)
                index += 2
            }
            return bytes
        default:
            throw .typeMismatch(type)
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
