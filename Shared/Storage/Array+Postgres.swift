import ConveyorRuntime

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
                guard let high = utf8[index].hexDigitValue, let low = utf8[index + 1].hexDigitValue else {
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
}
