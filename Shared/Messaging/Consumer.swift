import ConveyorRuntime
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Consumes one queue over its own connection with manual acks and a prefetch, reconnecting
/// forever: after a lost connection, a `connection.close` or `channel.close` from the broker,
/// or a `basic.cancel` (queue deleted), it reconnects with backoff, re-declares its topology
/// and consumes again.
///
/// ``deliveries`` is one sequence across reconnects. Settle each delivery with
/// ``Delivery/ack()`` or ``Delivery/reject(requeue:)``.
///
/// A `Service`: ``run()`` owns the connection until graceful shutdown or cancellation, then
/// closes it (unacknowledged deliveries return to the queue) and ends ``deliveries``. Start it
/// before whatever processes the deliveries, so it shuts down after them.
public final class Consumer: Service, Sendable {
    public let configuration: AMQPConfiguration
    public let connectionName: String
    public let queue: String
    public let topology: Topology
    public let options: Options
    private let logger: Logger
    private let connected = Atomic<Bool>(false)
    private let metrics: ConsumerMetrics
    private let buffer = DeliveryBuffer()
    private let connection: ConsumerConnection
    private let stopping = Atomic<Bool>(false)

    /// - Parameters:
    ///   - connectionName: shown in the management UI, e.g. `notifier consumer host-1234`.
    ///   - queue: the queue to consume.
    ///   - topology: declared on every (re)connect before consuming; usually includes `queue`.
    ///   - metricsFactory: where metrics go; default the global `MetricsSystem.factory`.
    public init(
        configuration: AMQPConfiguration,
        connectionName: String,
        queue: String,
        topology: Topology = Topology(),
        options: Options = Options(),
        logger: Logger,
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.configuration = configuration
        self.connectionName = connectionName
        self.queue = queue
        self.topology = topology
        self.options = options
        var logger = logger
        logger[metadataKey: "amqp_connection"] = "\(connectionName)"
        logger[metadataKey: "queue"] = "\(queue)"
        self.logger = logger
        let metrics = ConsumerMetrics(queue: queue, factory: metricsFactory)
        self.metrics = metrics
        connection = ConsumerConnection(queue: queue, threadName: "amqp-consumer", logger: logger, metrics: metrics)
    }

    deinit {
        buffer.finish()
    }

    /// Deliveries from every connection of this consumer; ends when ``run()`` ends.
    public var deliveries: Deliveries {
        Deliveries(buffer: buffer)
    }

    /// Up to `limit` deliveries that have arrived and are not taken yet, without waiting.
    func availableDeliveries(upTo limit: Int) -> [Delivery] {
        buffer.takeAvailable(upTo: limit)
    }

    /// True while the connection is open and consuming: what a readiness check reports.
    public var isConnected: Bool {
        connected.load(ordering: .acquiring)
    }

    public func run() async throws {
        let wake = connection.wake
        await withTaskCancellationOrGracefulShutdownHandler {
            await maintainConnection()
        } onCancelOrGracefulShutdown: {
            self.stopping.store(true, ordering: .releasing)
            wake.signal()
        }
        buffer.finish()
        logger.info("AMQP consumer stopped")
    }

    private var isStopping: Bool {
        stopping.load(ordering: .acquiring)
    }

    private func maintainConnection() async {
        var backoff = options.reconnectBackoff
        var failures = 0
        while !isStopping {
            do {
                let (generation, heartbeat) = try await connection.open(
                    configuration: configuration, connectionName: connectionName, topology: topology,
                    prefetch: options.prefetch
                )
                let dropped = buffer.discard(olderThan: generation)
                metrics.connection.connected.record(1)
                connected.store(true, ordering: .releasing)
                logger.info(
                    failures == 0 ? "AMQP consumer connected" : "AMQP consumer reconnected",
                    metadata: [
                        "broker": "\(configuration)", "heartbeat": "\(heartbeat)", "failed_attempts": "\(failures)",
                        "dropped_stale_deliveries": "\(dropped)",
                    ]
                )
                failures = 0
                backoff.reset()
                try await connection.serve(into: buffer) { self.isStopping }
                await connection.close(politely: true)
                metrics.connection.connected.record(0)
                connected.store(false, ordering: .releasing)
                return
            } catch {
                await connection.close(politely: AMQPError.leavesConnectionOpen(error))
                metrics.connection.connected.record(0)
                connected.store(false, ordering: .releasing)
                if isStopping { return }
                failures += 1
                metrics.connection.reconnects.increment()
                let delay = backoff.next()
                logger.warning(
                    "AMQP consumer connection failed; reconnecting",
                    metadata: ["broker": "\(configuration)", "error": "\(error)", "attempt": "\(failures)", "retry_in": "\(delay)"]
                )
                await sleep(for: delay)
            }
        }
    }

    /// Sleeps `delay`, waking early when the consumer stops.
    private func sleep(for delay: Duration) async {
        let end = ContinuousClock.now + delay
        while !isStopping, ContinuousClock.now < end {
            let slice = min(end - ContinuousClock.now, .milliseconds(100))
            guard slice > .zero else { return }
            do {
                try await Task.sleep(for: slice)
            } catch {
                return
            }
        }
    }
}
