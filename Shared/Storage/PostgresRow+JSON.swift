#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension PostgresRow {
    /// Decodes the `json`/`jsonb` column named `column` as `type` with `decoder`.
    ///
    /// - Throws: ``PostgresDecodingError`` when the column is missing, `NULL` or not JSON,
    ///   or the `DecodingError` from `decoder`.
    public func decodeJSON<T: Decodable>(_ type: T.Type, _ column: String, decoder: JSONDecoder = JSONDecoder()) throws -> T {
        try decode(PostgresJSON.self, column).decode(type, decoder: decoder)
    }
}
