/// An error from PostgreSQL, libpq or the connection pool.
///
/// Server errors carry the fields PostgreSQL reports (`SQLSTATE`, message, detail, hint,
/// constraint, …); connection problems carry libpq's `PQerrorMessage`. Use the `is…`
/// properties to decide what to do rather than matching messages.
public struct PostgresError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, broadly.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// A connection could not be made, or broke while in use.
        case connectionFailed
        /// The server answered with an error (see ``PostgresError/sqlState``).
        case server
        /// The pool could not reach the server recently and fails calls at once instead of
        /// making every caller wait for a connect timeout; it keeps retrying in the background.
        case unavailable
        /// No connection became free within the pool's acquire timeout.
        case acquireTimeout
        /// The pool or connection has been closed.
        case closed
        /// libpq returned something this module does not handle (for example a COPY state).
        case unexpectedResult
    }

    public var kind: Kind
    /// The primary message: the server's, or libpq's `PQerrorMessage`.
    public var message: String
    /// Five-character SQLSTATE code for server errors, for example `23505`.
    public var sqlState: String?
    /// `ERROR`, `FATAL` or `PANIC` for server errors.
    public var severity: String?
    public var detail: String?
    public var hint: String?
    public var schemaName: String?
    public var tableName: String?
    public var columnName: String?
    public var constraintName: String?

    /// Creates an error; other modules normally receive these rather than make them.
    public init(
        kind: Kind,
        message: String,
        sqlState: String? = nil,
        severity: String? = nil,
        detail: String? = nil,
        hint: String? = nil,
        schemaName: String? = nil,
        tableName: String? = nil,
        columnName: String? = nil,
        constraintName: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.severity = severity
        self.detail = detail
        self.hint = hint
        self.schemaName = schemaName
        self.tableName = tableName
        self.columnName = columnName
        self.constraintName = constraintName
    }

    /// `23505`: an insert or update hit a unique constraint (see ``constraintName``).
    public var isUniqueViolation: Bool { sqlState == "23505" }
    /// `23503`: a foreign key constraint rejected the change.
    public var isForeignKeyViolation: Bool { sqlState == "23503" }
    /// `23514`: a CHECK constraint rejected the change.
    public var isCheckViolation: Bool { sqlState == "23514" }
    /// `40001`: a serializable (or repeatable read) transaction must be retried.
    public var isSerializationFailure: Bool { sqlState == "40001" }
    /// `40P01`: the transaction was chosen as a deadlock victim and may be retried.
    public var isDeadlock: Bool { sqlState == "40P01" }
    /// `57014`: the statement was cancelled (statement timeout or a cancel request).
    public var isQueryCanceled: Bool { sqlState == "57014" }
    /// The pool is failing fast because the server could not be reached.
    public var isUnavailable: Bool { kind == .unavailable }

    /// True when the connection, not the statement, is the problem: libpq lost or could not
    /// make the connection, the pool is failing fast, or the server reported a connection
    /// exception (class `08`) or is shutting down (`57P01`, `57P02`, `57P03`). Such an error says
    /// nothing about the data: the work may be retried once the database is back.
    public var isConnectionFailure: Bool {
        switch kind {
        case .connectionFailed, .unavailable:
            return true
        case .server, .acquireTimeout, .closed, .unexpectedResult:
            guard let sqlState else { return false }
            return sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState)
        }
    }

    public var description: String {
        var text: String
        switch kind {
        case .server:
            text = "\(severity ?? "ERROR"): \(message)"
            if let sqlState { text += " (SQLSTATE \(sqlState))" }
        case .connectionFailed:
            text = "PostgreSQL connection failed: \(message)"
        case .unavailable:
            text = "PostgreSQL unavailable: \(message)"
        case .acquireTimeout:
            text = "PostgreSQL pool: \(message)"
        case .closed:
            text = "PostgreSQL: \(message)"
        case .unexpectedResult:
            text = "PostgreSQL: unexpected result: \(message)"
        }
        if let constraintName { text += " constraint=\(constraintName)" }
        if let detail { text += " detail: \(detail)" }
        if let hint { text += " hint: \(hint)" }
        return text
    }
}
