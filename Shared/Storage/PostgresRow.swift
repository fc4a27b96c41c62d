/// One row of ``PostgresRows``. Read columns by name or by position:
///
///     let id = try row.decode(UUID.self, "id")
///     let reason = try row.decode(String?.self, "failure_reason")
///     let total = try row.decode(Int.self, at: 1)
public struct PostgresRow: Sendable {
    let storage: PostgresRows.Storage
    let row: Int

    /// The row's columns, in order.
    public var columns: [PostgresColumn] { storage.columns }

    /// Decodes the column named `column` (the first one, if several share the name).
    ///
    /// - Throws: ``PostgresDecodingError`` for a missing column, a `NULL` read as a
    ///   non-optional type, or a value that is not a `T`.
    public func decode<T: PostgresDecodable>(_ type: T.Type, _ column: String) throws(PostgresDecodingError) -> T {
        guard let index = storage.columnIndex[column] else {
            throw PostgresDecodingError(reason: .missingColumn, column: column, swiftType: String(describing: T.self))
        }
        return try decode(type, at: index)
    }

    /// Decodes the column at `index` (0-based).
    public func decode<T: PostgresDecodable>(_ type: T.Type, at index: Int) throws(PostgresDecodingError) -> T {
        guard storage.columns.indices.contains(index) else {
            throw PostgresDecodingError(reason: .indexOutOfRange(index), column: "#\(index)", swiftType: String(describing: T.self))
        }
        let column = storage.columns[index]
        do throws(PostgresDecodingError.Reason) {
            guard let text = storage.values[row * storage.columns.count + index] else {
                guard let null = T.postgresNull else { throw PostgresDecodingError.Reason.unexpectedNull }
                return null
            }
            return try T.decode(postgresText: text, type: column.type)
        } catch {
            throw PostgresDecodingError(reason: error, column: column.name, swiftType: String(describing: T.self))
        }
    }

    /// True when the column named `column` is `NULL`.
    public func isNull(_ column: String) throws(PostgresDecodingError) -> Bool {
        guard let index = storage.columnIndex[column] else {
            throw PostgresDecodingError(reason: .missingColumn, column: column, swiftType: "NULL")
        }
        return storage.values[row * storage.columns.count + index] == nil
    }
}
