#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Messaging
import Orders
import Storage

/// How a dead letter's AMQP headers are stored as JSON (`dead_letters.headers`) and read back
/// for a replay. JSON's own types carry what they can; the other field values become one-key
/// tagged objects, so every header survives the round trip with its AMQP type:
///
/// | AMQP | JSON |
/// |---|---|
/// | string, integer, boolean | string, integer, boolean |
/// | array, table | array, object |
/// | double | `{"$double": "1.5"}` (text, exact, NaN and infinities included) |
/// | timestamp | `{"$timestamp": "2026-05-01T12:00:00Z"}` |
/// | byte string | `{"$bytes": "base64…"}` |
/// | a table whose only key is one of these tags | `{"$table": {…}}` |
///
/// Headers stay queryable in SQL: `headers->>'conveyor-failure-reason'`.
enum HeaderJSON {
    static let doubleTag = "$double"
    static let timestampTag = "$timestamp"
    static let bytesTag = "$bytes"
    static let tableTag = "$table"
    private static let tags: Set<String> = [doubleTag, timestampTag, bytesTag, tableTag]
    private static let timestampStyle = Date.ISO8601FormatStyle(timeZone: .gmt)

    /// The headers as one JSON object.
    static func json(_ headers: [String: HeaderValue]) -> JSONValue {
        .object(headers.mapValues(json))
    }

    static func json(_ value: HeaderValue) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .int(let number): .integer(number)
        case .bool(let flag): .bool(flag)
        case .double(let number): .object([doubleTag: .string(String(number))])
        case .timestamp(let date): .object([timestampTag: .string(date.formatted(timestampStyle))])
        case .bytes(let bytes): .object([bytesTag: .string(Data(bytes).base64EncodedString())])
        case .array(let values): .array(values.map(json))
        case .table(let table):
            if table.count == 1, let key = table.keys.first, tags.contains(key) {
                .object([tableTag: .object(table.mapValues(json))])
            } else {
                .object(table.mapValues(json))
            }
        }
    }

    /// Headers from a JSON object written by ``json(_:)-(HeaderValue)``.
    static func headers(from json: JSONValue) throws(StoredDeadLetterError) -> [String: HeaderValue] {
        guard case .object(let object) = json else {
            throw StoredDeadLetterError("headers are a JSON \(json.typeName), not an object")
        }
        var headers: [String: HeaderValue] = [:]
        for (key, value) in object {
            headers[key] = try Self.value(from: value)
        }
        return headers
    }

    static func value(from json: JSONValue) throws(StoredDeadLetterError) -> HeaderValue {
        switch json {
        case .string(let text): return .string(text)
        case .integer(let number): return .int(number)
        case .bool(let flag): return .bool(flag)
        case .number(let number): return .double(number)
        case .null: throw StoredDeadLetterError("a header value is null")
        case .array(let values):
            var decoded: [HeaderValue] = []
            for value in values {
                decoded.append(try Self.value(from: value))
            }
            return .array(decoded)
        case .object(let object):
            if object.count == 1, let entry = object.first, tags.contains(entry.key) {
                return try value(tagged: entry.value, tag: entry.key)
            }
            return .table(try headers(from: json))
        }
    }

    private static func value(tagged: JSONValue, tag: String) throws(StoredDeadLetterError) -> HeaderValue {
        switch (tag, tagged) {
        case (doubleTag, .string(let text)):
            guard let number = Double(text) else { throw StoredDeadLetterError("\(tag) holds '\(text)', not a number") }
            return .double(number)
        case (timestampTag, .string(let text)):
            guard let date = try? timestampStyle.parse(text) else {
                throw StoredDeadLetterError("\(tag) holds '\(text)', not an RFC 3339 time")
            }
            return .timestamp(date)
        case (bytesTag, .string(let text)):
            guard let data = Data(base64Encoded: text) else { throw StoredDeadLetterError("\(tag) holds invalid base64") }
            return .bytes(Array(data))
        case (tableTag, .object):
            return .table(try headers(from: tagged))
        default:
            throw StoredDeadLetterError("\(tag) holds a JSON \(tagged.typeName)")
        }
    }

    /// The headers as a `jsonb` parameter.
    static func encode(_ headers: [String: HeaderValue]) throws -> PostgresJSON {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try PostgresJSON(encoding: json(headers), encoder: encoder)
    }

    /// Headers read from a `jsonb` column.
    static func decode(_ document: PostgresJSON) throws -> [String: HeaderValue] {
        try headers(from: document.decode(JSONValue.self))
    }
}
