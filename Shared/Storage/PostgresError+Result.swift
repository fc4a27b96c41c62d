import CLibPQ

extension PostgresError {
    /// The error a failed `PGresult` describes. `connectionLost` marks errors after which
    /// libpq reports the connection as bad.
    init(result: OpaquePointer, connectionLost: Bool) {
        let sqlState = NoticeSink.field(result, "C")
        let message =
            NoticeSink.field(result, "M")
            ?? PostgresConnection.trimmed(PQresultErrorMessage(result))
        self.init(
            kind: connectionLost ? .connectionFailed : .server,
            message: message,
            sqlState: sqlState,
            severity: NoticeSink.field(result, "V") ?? NoticeSink.field(result, "S"),
            detail: NoticeSink.field(result, "D"),
            hint: NoticeSink.field(result, "H"),
            schemaName: NoticeSink.field(result, "s"),
            tableName: NoticeSink.field(result, "t"),
            columnName: NoticeSink.field(result, "c"),
            constraintName: NoticeSink.field(result, "n")
        )
    }
}
