import ConveyorRuntime
import Logging
import Messaging
import Metrics
import ServiceLifecycle
import Storage

/// Publishes the outbox: claims unpublished rows with `FOR UPDATE SKIP LOCKED` (so any number
/// of relays, in any number of replicas, share the work without publishing a row twice at
/// once), publishes them with confirms, and marks them published in the same transaction.
///
/// It wakes on the outbox's NOTIFY channel and also polls, so a missed notification (a
/// reconnect of the listener) delays an event by at most ``Options/pollInterval``. A row whose
/// publish fails stays unpublished, with its error, and is tried again: the broker being down
/// delays events, it never loses them. Published rows are deleted after ``Options/retention``.
public final class OutboxRelay: Service, Sendable {
    /// How the relay batches, polls and cleans up.
    public struct Options: Sendable {
        /// Rows claimed and published per transaction. Default 200.
        public var batchSize: Int
        /// The longest wait between two looks at the outbox. Default 1 s.
        public var pollInterval: Duration
        /// How long the relay waits after a wake-up before it claims, so that the events of
        /// transactions committing meanwhile share one claim and one publish batch instead of
        /// a claim each. Default 50 ms; zero claims at once.
        public var claimDelay: Duration
        /// How long published rows are kept. Default 24 h.
        public var retention: Duration
        /// How often published rows older than the retention are deleted. Default 5 min.
        public var cleanupInterval: Duration
        /// How often the backlog (unpublished rows, age of the oldest) is measured. Default 10 s.
        public var backlogInterval: Duration

        public init(
            batchSize: Int = 200, pollInterval: Duration = .seconds(1), claimDelay: Duration = .milliseconds(50),
            retention: Duration = .seconds(86_400), cleanupInterval: Duration = .seconds(300),
            backlogInterval: Duration = .seconds(10)
        ) {
            precondition(batchSize > 0 && pollInterval > .zero && retention >= .zero && cleanupInterval > .zero)
            precondition(backlogInterval > .zero && claimDelay >= .zero && claimDelay < pollInterval)
            self.batchSize = batchSize
            self.pollInterval = pollInterval
            self.claimDelay = claimDelay
            self.retention = retention
            self.cleanupInterval = cleanupInterval
            self.backlogInterval = backlogInterval
        }
    }

    private let pool: PostgresPool
    private let publisher: Publisher
    private let listener: PostgresListener
    private let options: Options
    private let logger: Logger
    private let metrics: OutboxMetrics
    private let wakeUps = WakeUps()

    public init(
        pool: PostgresPool, publisher: Publisher, options: Options = Options(), logger: Logger,
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.pool = pool
        self.publisher = publisher
        self.options = options
        self.logger = logger
        self.metrics = OutboxMetrics(factory: metricsFactory)
        listener = PostgresListener(
            configuration: pool.configuration.connection, channels: [Outbox.channel], logger: logger)
    }

    public func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await self.listener.run() }
            group.addTask {
                // Any event (a notification, a (re)connect that may have missed some) means: look.
                for await _ in self.listener.events { self.wakeUps.signal() }
            }
            group.addTask { await self.relayUntilShutdown() }
            group.addTask { await self.cleanUpUntilShutdown() }
            group.addTask { await self.measureBacklogUntilShutdown() }
            // Both loops end at graceful shutdown; then the listener can stop too.
            try? await gracefulShutdown()
            group.cancelAll()
        }
    }

    /// Publishes whatever is waiting, then waits for a notification or the poll interval.
    private func relayUntilShutdown() async {
        var backoff = Backoff(initial: .milliseconds(200), maximum: .seconds(10))
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            // While the broker is away, claim nothing: a claimed batch would hold its rows and a
            // pooled connection until every publish in it timed out.
            guard publisher.isConnected else {
                try? await Task.sleep(for: options.pollInterval)
                continue
            }
            do {
                let published = try await relayBatch()
                backoff.reset()
                if published == options.batchSize { continue }
                await wakeUps.wait(timeout: options.pollInterval)
                if options.claimDelay > .zero {
                    try? await Task.sleep(for: options.claimDelay)
                }
            } catch is CancellationError {
                return
            } catch {
                let delay = backoff.next()
                logger.warning("outbox relay failed, trying again", metadata: ["error": "\(error)", "retryIn": "\(delay)"])
                try? await Task.sleep(for: delay)
            }
        }
    }

    /// Claims a batch, publishes it and marks what the broker confirmed. Returns how many rows
    /// were published.
    func relayBatch() async throws -> Int {
        try await pool.withTransaction { transaction in
            let rows = try await transaction.query(
                """
                SELECT id, event_id, exchange, routing_key, envelope::text AS envelope, headers::text AS headers, created_at
                FROM outbox WHERE published_at IS NULL
                ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
                """,
                [options.batchSize])
            metrics.recordClaimed(rows.count)
            guard !rows.isEmpty else { return 0 }
            let claimed = try rows.map(ClaimedRow.init)
            let results = await publish(claimed)
            let published = results.filter { $0.error == nil }.map(\.id)
            if !published.isEmpty {
                try await transaction.execute(
                    "UPDATE outbox SET published_at = now(), attempts = attempts + 1 WHERE id = ANY($1::bigint[])",
                    [PostgresArray(published)])
            }
            for failure in results where failure.error != nil {
                try await transaction.execute(
                    "UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1",
                    [failure.id, String(describing: failure.error!)])
            }
            metrics.recordPublished(published.count, failed: results.count - published.count)
            if let oldest = claimed.first {
                metrics.recordLag(since: oldest.createdAt)
            }
            if published.count < results.count {
                logger.warning(
                    "some outbox events could not be published; they stay in the outbox",
                    metadata: ["failed": "\(results.count - published.count)", "firstError": "\(results.first { $0.error != nil }!.error!)"])
            }
            return published.count
        }
    }

    private struct PublishResult: Sendable {
        var id: Int64
        var error: (any Error)?
    }

    /// Publishes the rows as one pipelined batch (the publisher keeps up to its window in flight).
    private func publish(_ rows: [ClaimedRow]) async -> [PublishResult] {
        let outcomes = await publisher.publish(rows.map { Publication($0.message, exchange: $0.exchange, routingKey: $0.routingKey) })
        return zip(rows, outcomes).map { row, outcome in
            switch outcome {
            case .success: PublishResult(id: row.id, error: nil)
            case .failure(let error): PublishResult(id: row.id, error: error)
            }
        }
    }

    /// Reports the unpublished rows and the age of the oldest: the backlog a broker outage or
    /// a stuck relay leaves, whichever replica's relay is behind.
    private func measureBacklogUntilShutdown() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let rows = try await pool.query(
                    """
                    SELECT count(*)::int8 AS rows,
                           coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS age
                      FROM outbox WHERE published_at IS NULL
                    """)
                if let row = rows.first {
                    metrics.recordBacklog(rows: try row.decode(Int.self, "rows"), oldestAge: try row.decode(Double.self, "age"))
                }
            } catch {
                logger.debug("could not measure the outbox backlog", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: options.backlogInterval)
        }
    }

    private func cleanUpUntilShutdown() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let deleted = try await pool.execute(
                    """
                    DELETE FROM outbox WHERE id IN (
                        SELECT id FROM outbox WHERE published_at < now() - make_interval(secs => $1) LIMIT 10000)
                    """,
                    [options.retention.seconds])
                if deleted > 0 {
                    logger.debug("deleted published outbox rows", metadata: ["rows": "\(deleted)"])
                    continue
                }
            } catch {
                logger.debug("outbox clean-up failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: options.cleanupInterval)
        }
    }
}
