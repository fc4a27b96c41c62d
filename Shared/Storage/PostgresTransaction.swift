/// The connection inside ``PostgresPool/withTransaction(isolationLevel:maxAttempts:isolation:_:)``:
/// statements run between its BEGIN and COMMIT.
public struct PostgresTransaction: PostgresQuerying {
    /// The connection the transaction runs on.
    public let connection: PostgresConnection
    /// Which attempt this is, from 1; above 1 after a serialization failure or deadlock.
    public let attempt: Int

    init(connection: PostgresConnection, attempt: Int) {
        self.connection = connection
        self.attempt = attempt
    }

    public func query(_ sql: String, _ parameters: [any PostgresBindable]) async throws -> PostgresRows {
        try await connection.query(sql, parameters)
    }

    @discardableResult
    public func execute(_ sql: String, _ parameters: [any PostgresBindable]) async throws -> Int {
        try await connection.execute(sql, parameters)
    }
}
