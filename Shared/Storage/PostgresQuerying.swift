/// Something that runs statements: a ``PostgresPool``, a ``PostgresConnection`` or a
/// ``PostgresTransaction``. Write data access against this protocol so it runs both on its
/// own and inside a caller's transaction.
public protocol PostgresQuerying: Sendable {
    /// Runs one statement with `$1`, `$2`, … bound to `parameters` and returns its rows.
    func query(_ sql: String, _ parameters: [any PostgresBindable]) async throws -> PostgresRows
    /// Runs one statement and returns the number of rows it inserted, updated or deleted.
    @discardableResult
    func execute(_ sql: String, _ parameters: [any PostgresBindable]) async throws -> Int
}

extension PostgresQuerying {
    /// Runs one statement without parameters and returns its rows.
    public func query(_ sql: String) async throws -> PostgresRows {
        try await query(sql, [])
    }

    /// Runs one statement without parameters and returns the number of rows it changed.
    @discardableResult
    public func execute(_ sql: String) async throws -> Int {
        try await execute(sql, [])
    }

    /// Sends a notification on `channel` (`pg_notify`), delivered to listeners when the
    /// surrounding transaction commits.
    public func notify(channel: String, payload: String = "") async throws {
        _ = try await query("SELECT pg_notify($1, $2)", [channel, payload])
    }
}
