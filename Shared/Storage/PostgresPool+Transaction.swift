import ConveyorRuntime
import Logging

extension PostgresPool {
    /// Runs `body` in a transaction on one connection: BEGIN, then COMMIT when `body`
    /// returns, or ROLLBACK when it throws or its task is cancelled.
    ///
    /// A serialization failure (`40001`) or deadlock (`40P01`) rolls back and runs the whole
    /// closure again, after a short jittered pause, up to `maxAttempts` times in all; then the
    /// error is thrown. **The closure must be idempotent apart from its database work**: it may
    /// run more than once, so side effects outside the transaction (HTTP calls, messages,
    /// changes to captured state) must be safe to repeat or happen after this call returns.
    ///
    ///     let orderID = try await pool.withTransaction(isolationLevel: .serializable) { tx in
    ///         try await tx.execute("INSERT INTO orders …", [ … ])
    ///         try await tx.execute("INSERT INTO outbox …", [ … ])
    ///         return id
    ///     }
    public func withTransaction<T>(
        isolationLevel: PostgresIsolationLevel = .readCommitted,
        maxAttempts: Int = 5,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresTransaction) async throws -> T
    ) async throws -> T {
        precondition(maxAttempts > 0, "maxAttempts must be at least 1")
        var backoff = Backoff(initial: .milliseconds(20), maximum: .milliseconds(500), minimum: .milliseconds(5))
        var attempt = 1
        while true {
            do {
                return try await withConnection { connection in
                    _ = try await connection.run("BEGIN ISOLATION LEVEL \(isolationLevel.rawValue)", [], cancellable: true)
                    do {
                        let value = try await body(PostgresTransaction(connection: connection, attempt: attempt))
                        _ = try await connection.run("COMMIT", [], cancellable: false)
                        return value
                    } catch {
                        // A connection that cannot roll back is not reused: the pool closes it,
                        // and the server rolls the transaction back.
                        _ = try? await connection.run("ROLLBACK", [], cancellable: false)
                        throw error
                    }
                }
            } catch let error as PostgresError where (error.isSerializationFailure || error.isDeadlock) && attempt < maxAttempts {
                metrics.transactionRetries.increment()
                let delay = backoff.next()
                logger.debug(
                    "retrying transaction",
                    metadata: ["attempt": "\(attempt)", "sqlstate": "\(error.sqlState ?? "")", "delay": "\(delay)"]
                )
                try await Task.sleep(for: delay)
                attempt += 1
            }
        }
    }
}
