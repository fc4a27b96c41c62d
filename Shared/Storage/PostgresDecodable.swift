/// A Swift value that can be read from a result column.
///
/// Results arrive in PostgreSQL's text format. A conforming type checks the column's
/// ``PostgresDataType`` and parses the text, throwing ``PostgresDecodingError`` on a mismatch.
/// `Optional` conforms when its wrapped type does and reads `NULL` as nil; every other type
/// treats `NULL` as an error.
public protocol PostgresDecodable: Sendable {
    /// Parses `text`, the value of a column of type `type`.
    ///
    /// Throw ``PostgresDecodingError/Reason/typeMismatch`` when `type` cannot hold `Self`
    /// and ``PostgresDecodingError/Reason/invalidValue(_:)`` when the text does not parse; the
    /// row adds the column name and Swift type.
    static func decode(postgresText text: String, type: PostgresDataType) throws(PostgresDecodingError.Reason) -> Self

    /// The value for SQL `NULL`, or nil when `NULL` is an error (the default).
    static var postgresNull: Self? { get }
}

extension PostgresDecodable {
    public static var postgresNull: Self? { nil }
}
