#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A JSON document bound as `jsonb` and read from `json`/`jsonb` columns.
///
///     try await db.execute("INSERT INTO outbox (event_id, envelope) VALUES ($1, $2)",
///                          [eventID, try PostgresJSON(encoding: envelope)])
///     let envelope = try row.decode(PostgresJSON.self, "envelope").decode(Envelope.self)
public struct PostgresJSON: Sendable, Hashable, PostgresBindable, PostgresDecodable, CustomStringConvertible {
    /// The document's JSON text.
    public var text: String

    /// Wraps JSON text as is; the server validates it when the parameter is used.
    public init(text: String) {
        self.text = text
    }

    /// Wraps UTF-8 JSON bytes, for example from `JSONEncoder`.
    public init(bytes: some Sequence<UInt8>) {
        self.text = String(decoding: Array(bytes), as: UTF8.self)
    }

    /// Encodes `value` with `encoder`.
    public init(encoding value: some Encodable, encoder: JSONEncoder = JSONEncoder()) throws {
        self.init(bytes: try encoder.encode(value))
    }

    /// The document's UTF-8 bytes.
    public var bytes: [UInt8] { Array(text.utf8) }

    /// Decodes the document as `type` with `decoder`.
    public func decode<T: Decodable>(_ type: T.Type, decoder: JSONDecoder = JSONDecoder()) throws -> T {
        try decoder.decode(type, from: Data(text.utf8))
    }

    public var description: String { text }

    public static var postgresType: PostgresDataType { .jsonb }
    public var postgresText: String? { text }

    public static func decode(postgresText text: String, type: PostgresDataType) throws(PostgresDecodingError.Reason) -> PostgresJSON {
        guard type == .json || type == .jsonb else { throw .typeMismatch(type) }
        return PostgresJSON(text: text)
    }
}
