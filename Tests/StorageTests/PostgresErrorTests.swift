import Storage
import Testing

@Suite struct PostgresErrorTests {
    @Test func classifiesBySQLState() {
        let unique = PostgresError(kind: .server, message: "duplicate key", sqlState: "23505", constraintName: "orders_pkey")
        #expect(unique.isUniqueViolation)
        #expect(!unique.isConnectionFailure)
        #expect("\(unique)".contains("orders_pkey"))
        #expect(PostgresError(kind: .server, message: "", sqlState: "40001").isSerializationFailure)
        #expect(PostgresError(kind: .server, message: "", sqlState: "40P01").isDeadlock)
        #expect(PostgresError(kind: .server, message: "", sqlState: "23503").isForeignKeyViolation)
        #expect(PostgresError(kind: .server, message: "", sqlState: "23514").isCheckViolation)
        #expect(!PostgresError(kind: .server, message: "", sqlState: "40001").isDeadlock)
    }

    @Test func connectionFailures() {
        #expect(PostgresError(kind: .connectionFailed, message: "server closed the connection unexpectedly").isConnectionFailure)
        #expect(PostgresError(kind: .unavailable, message: "down").isConnectionFailure)
        #expect(PostgresError(kind: .unavailable, message: "down").isUnavailable)
        #expect(PostgresError(kind: .server, message: "", sqlState: "08006").isConnectionFailure)
        #expect(PostgresError(kind: .server, message: "", sqlState: "57P01").isConnectionFailure)
        #expect(PostgresError(kind: .server, message: "", sqlState: "57P03").isConnectionFailure)
        #expect(!PostgresError(kind: .server, message: "", sqlState: "57014").isConnectionFailure)
        #expect(!PostgresError(kind: .acquireTimeout, message: "busy").isConnectionFailure)
        #expect(!PostgresError(kind: .server, message: "", sqlState: nil).isConnectionFailure)
    }
}
