import Logging
import Storage

/// What one operator command works with: its configuration (logging already on standard
/// error) and a small pool on the dead-letter tables, closed when the command is done.
struct OperatorSession: Sendable {
    let configuration: OperatorConfiguration
    let pool: PostgresPool
    let store: DeadLetterStore
    let logger: Logger

    static func open(needsBroker: Bool) -> OperatorSession {
        let configuration = OperatorConfiguration.load(needsBroker: needsBroker)
        var poolConfiguration = configuration.database.pool
        poolConfiguration.maxConnections = min(poolConfiguration.maxConnections, 2)
        let pool = PostgresPool(configuration: poolConfiguration, logger: Logger(label: "database"))
        return OperatorSession(
            configuration: configuration, pool: pool, store: DeadLetterStore(pool: pool), logger: Logger(label: "dlq-replayer"))
    }

    /// Runs `body`, then closes the pool, whether `body` succeeded or not.
    func run<T: Sendable>(_ body: (DeadLetterStore) async throws -> T) async throws -> T {
        do {
            let value = try await body(store)
            await pool.close()
            return value
        } catch {
            await pool.close()
            throw error
        }
    }
}
