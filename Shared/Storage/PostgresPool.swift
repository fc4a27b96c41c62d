import Logging
import Metrics
import ServiceLifecycle

/// A bounded pool of ``PostgresConnection``s, opened on demand.
///
///     let pool = PostgresPool(configuration: .init(connection: configuration, maxConnections: 8), logger: logger)
///     let rows = try await pool.query("SELECT id FROM orders WHERE status = $1", ["PENDING"])
///     try await pool.withTransaction(isolationLevel: .serializable) { tx in … }
///
/// Calls beyond `maxConnections` wait in FIFO order, for at most the acquire timeout. An idle
/// connection the server has closed is dropped before it is lent; a connection that breaks in
/// use is closed when returned. When a connection cannot be made, the pool turns
/// *unavailable*: every call fails at once with ``PostgresError/Kind/unavailable`` while a
/// background task retries with backoff, and the pool serves again as soon as the server
/// answers.
///
/// As a `Service`, the pool closes connections that have been idle for a while (down to one)
/// and closes itself on graceful shutdown; add it to a `ServiceGroup` before the services
/// that use it.
public final class PostgresPool: PostgresQuerying, Service, Sendable {
    /// How the pool connects and how many connections it keeps.
    public let configuration: Configuration
    let logger: Logger
    let metrics: PostgresPoolMetrics
    let connections: PoolConnections

    /// Creates a pool; no connection is opened until the first call.
    ///
    /// - Parameter metricsFactory: where the pool's metrics go (see the module's
    ///   `conveyor_db_*` names); the global `MetricsSystem` by default.
    public init(configuration: Configuration, logger: Logger, metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.configuration = configuration
        self.logger = logger
        self.metrics = PostgresPoolMetrics(maxConnections: configuration.maxConnections, factory: metricsFactory)
        self.connections = PoolConnections(configuration: configuration, logger: logger, metrics: metrics)
    }

    /// Lends a connection to `body` and takes it back afterwards, even when `body` throws.
    /// Unless the caller is isolated to an actor, `body` runs on the connection's thread.
    ///
    /// Don't keep the connection beyond `body`. A connection left inside a transaction or
    /// broken is closed instead of reused.
    ///
    /// - Throws: ``PostgresError`` of kind ``PostgresError/Kind/unavailable``,
    ///   ``PostgresError/Kind/acquireTimeout`` or ``PostgresError/Kind/closed`` when no
    ///   connection can be lent; otherwise whatever `body` throws.
    public func withConnection<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection: PostgresConnection
        do {
            connection = try await connections.lease()
        } catch {
            metrics.recordError(error)
            throw error
        }
        do {
            // Unless the caller is isolated to an actor, the body runs on the connection's own
            // thread: several statements in a row then need no thread switches.
            let value = try await withTaskExecutorPreference(connection.executor, isolation: isolation) {
                try await body(connection)
            }
            await connections.giveBack(connection)
            return value
        } catch {
            await connections.giveBack(connection)
            if !(error is CancellationError) { metrics.recordError(error) }
            throw error
        }
    }

    public func query(_ sql: String, _ parameters: [any PostgresBindable]) async throws -> PostgresRows {
        try await withConnection { try await $0.query(sql, parameters) }
    }

    @discardableResult
    public func execute(_ sql: String, _ parameters: [any PostgresBindable]) async throws -> Int {
        try await withConnection { try await $0.execute(sql, parameters) }
    }

    /// Sends a notification on `channel` in a transaction of its own whose commit does not
    /// wait for its WAL to be flushed (`synchronous_commit` off for that transaction only).
    ///
    /// For wake-ups that a crash may lose: PostgreSQL holds one database-wide lock over the
    /// commits of notifying transactions until their WAL is flushed, and this one does not
    /// wait for a flush while holding it. (``PostgresQuerying/notify(channel:payload:)`` in a
    /// transaction instead delivers with that transaction's commit.)
    public func notifyWithoutFlushWait(channel: String, payload: String = "") async throws {
        _ = try await query("SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, $2)", [channel, payload])
    }

    /// Closes connections idle for longer than the configuration's `idleTimeout` (down to one)
    /// until graceful shutdown (or cancellation), then closes the pool.
    public func run() async throws {
        await withDiscardingTaskGroup { group in
            if let idleTimeout = configuration.idleTimeout {
                group.addTask { await self.closeIdleConnections(after: idleTimeout) }
            }
            try? await gracefulShutdown()
            group.cancelAll()
        }
        await close()
    }

    private func closeIdleConnections(after timeout: Duration) async {
        while (try? await Task.sleep(for: timeout / 2)) != nil {
            let closed = await connections.closeIdle(longerThan: timeout)
            if closed > 0 {
                logger.debug("closed idle PostgreSQL connections", metadata: ["closed": "\(closed)", "idleFor": "\(timeout)"])
            }
        }
    }

    /// Closes idle connections and fails waiting and later calls with
    /// ``PostgresError/Kind/closed``. Connections in use close when they are returned.
    public func close() async {
        await connections.close()
    }

    /// True while the pool fails calls fast because the server could not be reached.
    public var isUnavailable: Bool {
        get async { await connections.isUnavailable }
    }
}
