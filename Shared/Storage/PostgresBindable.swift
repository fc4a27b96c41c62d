/// A Swift value that can be sent as a query parameter (`$1`, `$2`, …).
///
/// Parameters travel in PostgreSQL's text format, next to the type OID the server should
/// assume. `Optional` conforms when its wrapped type does; `nil` binds SQL `NULL`.
///
///     try await db.execute("UPDATE orders SET status = $1 WHERE id = $2", ["PROCESSED", orderID])
public protocol PostgresBindable: Sendable {
    /// The parameter's type; ``PostgresDataType/unspecified`` lets the server infer it.
    static var postgresType: PostgresDataType { get }
    /// The value in PostgreSQL's text input format, or nil for `NULL`.
    var postgresText: String? { get }
}
