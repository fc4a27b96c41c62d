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
/// A writer calls ``eventsCommitted()`` once its transaction with outbox rows has committed:
/// that wakes this relay at once and, with a NOTIFY on ``Outbox/channel`` sent soon after, the
/// relays of the other processes (another replica takes over when this one cannot publish).
/// The relay also wakes on that channel and polls, so a missed wake-up (a reconnect of the
/// listener, a writer that died after its commit) delays an event by at most
/// ``Options/pollInterval``. A row whose publish fails stays unpublished, with its error, and
/// is tried again: the broker being down delays events, it never loses them. Published rows
/// are deleted after ``Options/retention``.
///
/// The NOTIFY is not part of the writing transactions on purpose. PostgreSQL serializes the
/// commits of all transactions that notify, with a lock held until each commit's WAL is
/// flushed, so one slow flush would hold up every writer of every service. Sent from a
/// transaction of its own that does not wait for its flush (a lost wake-up costs one poll
/// interval at worst), at most once per ``Options/claimDelay`` per process, it holds that
/// lock for microseconds.
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
    /// Wakes this relay.
    private let wakeUps = WakeUps()
    /// Asks for a NOTIFY to the other relays.
    private let announcements = WakeUps()
    /// The payload of this relay's NOTIFYs, by which its own listener ignores them: this relay
    /// was woken directly.
    private let announcer = String(UInt64.random(in: .min ... .max), radix: 16)

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
                // Any event (another process's notification, a (re)connect that may have missed
                // some) means: look.
                for await event in self.listener.events {
                    if case .notification(let notification) = event, notification.payload == self.announcer { continue }
                    self.wakeUps.signal()
                }
            }
            group.addTask { await self.relayUntilShutdown() }
            group.addTask { await self.announceUntilShutdown() }
            group.addTask { await self.cleanUpUntilShutdown() }
            group.addTask { await self.measureBacklogUntilShutdown() }
            // Both loops end at graceful shutdown; then the listener can stop too.
            try? await gracefulShutdown()
            group.cancelAll()
        }
    }

    /// Tells the relays that a transaction which wrote outbox rows has committed: this relay
    /// wakes at once, the other processes' relays with a NOTIFY sent soon after. Call it after
    /// the commit, never before: a relay woken earlier would not see the rows yet.
    public func eventsCommitted() {
        wakeUps.signal()
        announcements.signal()
    }

    /// Sends a NOTIFY whenever ``eventsCommitted()`` asked for one, at most once per claim delay
    /// (a woken relay waits that long before it claims anyway).
    private func announceUntilShutdown() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await announcements.wait(timeout: .seconds(3600))
            guard !Task.isCancelled else { return }
            do {
                try await pool.notifyWithoutFlushWait(channel: Outbox.channel, payload: announcer)
            } catch {
                logger.debug("could not notify the other outbox relays", metadata: ["error": "\(error)"])
            }
            if options.claimDelay > .zero {
                try? await Task.sleep(for: options.claimDelay)
            }
        }
    }

    /// Publishes whatever is waiting, then waits for a wake-up or the poll interval.
    private func relayUntilShutdown() async {
        var backoff = Backoff(initial: .milliseconds(200), maximum: .seconds(10))
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            // While the broker is away, claim nothing: a claimed batch would hold its rows and a
            // pooled connection until every publish in it timed out. Look again soon, so that
            // what waits goes out as soon as the broker is back.
            guard publisher.isConnected else {
                try? await Task.sleep(for: min(options.pollInterval, .milliseconds(100)))
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
