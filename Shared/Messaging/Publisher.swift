import ConveyorRuntime
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Publishes persistent messages with publisher confirms and `mandatory`, over its own
/// connection, reconnecting forever.
///
/// ``publish(_:exchange:routingKey:)`` returns once the broker confirmed the message; an
/// unroutable message, a broker nack or the ``Options/publishTimeout`` throw; ``publish(_:)``
/// does the same for a batch, with one result per message. Concurrent callers are pipelined
/// up to ``Options/window`` unconfirmed messages. Messages unconfirmed when the connection
/// drops are sent again after reconnecting (at least once: consumers deduplicate), unless
/// their caller has given up by then; nothing is dropped silently.
///
/// A `Service`: ``run()`` owns the connection until graceful shutdown (which lets booked
/// publishes finish, up to their timeout) or cancellation (which fails them). Start it before
/// the services that publish, so it shuts down after them.
public final class Publisher: Service, Sendable {
    public let configuration: AMQPConfiguration
    public let connectionName: String
    public let topology: Topology
    public let options: Options
    private let logger: Logger
    private let connected = Atomic<Bool>(false)
    private let metrics: PublisherMetrics
    private let ledger: PublishLedger
    private let connection: PublisherConnection

    /// - Parameters:
    ///   - connectionName: shown in the management UI, e.g. `order-processor publisher host-1234`.
    ///   - topology: declared on every (re)connect before publishing.
    ///   - metricsFactory: where metrics go; default the global `MetricsSystem.factory`.
    public init(
        configuration: AMQPConfiguration,
        connectionName: String,
        topology: Topology = Topology(),
        options: Options = Options(),
        logger: Logger,
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.configuration = configuration
        self.connectionName = connectionName
        self.topology = topology
        self.options = options
        var logger = logger
        logger[metadataKey: "amqp_connection"] = "\(connectionName)"
        self.logger = logger
        let metrics = PublisherMetrics(factory: metricsFactory)
        self.metrics = metrics
        ledger = PublishLedger(window: options.window)
        connection = PublisherConnection(threadName: "amqp-publisher", logger: logger, metrics: metrics)
    }

    deinit {
        ledger.close()
    }

    /// Publishes `message` (persistent, `mandatory`) and returns when the broker confirmed it.
    ///
    /// - Throws: ``AMQPError/unroutable(code:text:exchange:routingKey:)`` when no queue matched,
    ///   ``AMQPError/nacked(exchange:routingKey:)``, ``AMQPError/timedOut(operation:after:)``
    ///   after ``Options/publishTimeout``, ``AMQPError/shutDown`` once the publisher stopped,
    ///   `CancellationError` when the calling task is cancelled.
    public func publish(_ message: Message, exchange: String, routingKey: String) async throws {
        let ledger = self.ledger
        let ids = ledger.reserveIDs(count: 1)
        let deadline = ContinuousClock.now + options.publishTimeout
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let pending = PublishLedger.Pending(
                    message: message, exchange: exchange, routingKey: routingKey,
                    deadline: deadline, waiter: .single(continuation)
                )
                if ledger.enqueue(firstID: ids.lowerBound, [pending]) {
                    connection.wake.signal()
                }
            }
        } onCancel: {
            ledger.cancel(ids: ids)
        }
    }

    /// Publishes every message of `publications`, pipelined in their order, and returns when
    /// the broker settled all of them: one result per publication, in the same order, each
    /// failing as ``publish(_:exchange:routingKey:)`` would throw.
    ///
    /// One caller waiting for many confirms: what a relay of stored events wants, and cheaper
    /// than a task per message.
    public func publish(_ publications: [Publication]) async -> [Result<Void, any Error>] {
        guard !publications.isEmpty else { return [] }
        let ledger = self.ledger
        let ids = ledger.reserveIDs(count: publications.count)
        let deadline = ContinuousClock.now + options.publishTimeout
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[Result<Void, any Error>], Never>) in
                let waiter = PublishBatchWaiter(count: publications.count, continuation: continuation)
                let pending = publications.enumerated().map { index, publication in
                    PublishLedger.Pending(
                        message: publication.message, exchange: publication.exchange, routingKey: publication.routingKey,
                        deadline: deadline, waiter: .batch(waiter, index: index)
                    )
                }
                if ledger.enqueue(firstID: ids.lowerBound, pending) {
                    connection.wake.signal()
                }
            }
        } onCancel: {
            ledger.cancel(ids: ids)
        }
    }

    /// True while the connection is open: what a readiness check reports.
    public var isConnected: Bool {
        connected.load(ordering: .acquiring)
    }

    public func run() async throws {
        let ledger = self.ledger
        let wake = connection.wake
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await withDiscardingTaskGroup { group in
                    group.addTask { await self.sweepTimeouts() }
                    await self.maintainConnection()
                    ledger.close()
                }
            } onCancel: {
                ledger.beginShutdown(graceful: false)
                wake.signal()
            }
        } onGracefulShutdown: {
            ledger.beginShutdown(graceful: true)
            wake.signal()
        }
        logger.info("AMQP publisher stopped")
    }

    /// Connects, serves, and after a failure reconnects with backoff, until the ledger is done.
    private func maintainConnection() async {
        var backoff = options.reconnectBackoff
        var failures = 0
        while !ledger.isFinished {
            do {
                let heartbeat = try await connection.open(
                    configuration: configuration, connectionName: connectionName, topology: topology
                )
                metrics.connection.connected.record(1)
                connected.store(true, ordering: .releasing)
                logger.info(
                    failures == 0 ? "AMQP publisher connected" : "AMQP publisher reconnected",
                    metadata: ["broker": "\(configuration)", "heartbeat": "\(heartbeat)", "failed_attempts": "\(failures)"]
                )
                failures = 0
                backoff.reset()
                try await connection.serve(ledger: ledger)
                await connection.close(politely: true)
                metrics.connection.connected.record(0)
                connected.store(false, ordering: .releasing)
                return
            } catch {
                await connection.close(politely: AMQPError.leavesConnectionOpen(error))
                metrics.connection.connected.record(0)
                connected.store(false, ordering: .releasing)
                let requeued = ledger.connectionLost()
                if ledger.isFinished { return }
                failures += 1
                metrics.connection.reconnects.increment()
                let delay = backoff.next()
                logger.warning(
                    "AMQP publisher connection failed; reconnecting",
                    metadata: [
                        "broker": "\(configuration)", "error": "\(error)", "attempt": "\(failures)",
                        "retry_in": "\(delay)", "unconfirmed_to_resend": "\(requeued)",
                    ]
                )
                await sleep(for: delay)
            }
        }
    }

    /// Sleeps `delay`, waking early when the publisher has finished.
    private func sleep(for delay: Duration) async {
        let end = ContinuousClock.now + delay
        while !ledger.isFinished, ContinuousClock.now < end {
            let slice = min(end - ContinuousClock.now, .milliseconds(100))
            guard slice > .zero else { return }
            do {
                try await Task.sleep(for: slice)
            } catch {
                return
            }
        }
    }

    /// Fails publishes whose timeout passed, ten times a second, until the publisher closes.
    private func sweepTimeouts() async {
        while !ledger.isClosed {
            do {
                try await Task.sleep(for: .milliseconds(100))
            } catch {
                return
            }
            let expired = ledger.expire(now: .now, timeout: options.publishTimeout)
            if expired > 0 {
                metrics.timeouts.increment(by: Int64(expired))
                logger.warning("AMQP publishes timed out", metadata: ["count": "\(expired)", "timeout": "\(options.publishTimeout)"])
            }
        }
    }
}
