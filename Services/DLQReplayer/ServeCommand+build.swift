import Logging
import Messaging
import Prometheus
import ServiceLifecycle
import ServiceSupport

extension ServeCommand {
    /// The composition root of `serve`: the pool, schema gate and publisher every service
    /// holds, one consumer and one ``DeadLetterRecorder``-driven ``DeliveryProcessor`` per DLQ,
    /// the waiting-dead-letters gauge and the ops server.
    static func serve(configuration: DLQReplayerConfiguration, registry: PrometheusCollectorRegistry) async throws {
        let logger = Logger(label: "dlq-replayer")
        let identity = configuration.settings.identity
        // The replayer's broker user may not declare anything: it consumes the DLQs and
        // publishes into the topology the consumers declared. A DLQ that does not exist yet
        // fails the consumer's `basic.consume` (404), and the consumer retries with backoff.
        let connections = ServiceConnections(settings: configuration.settings, topology: Topology(), logger: logger)
        let store = DeadLetterStore(pool: connections.pool)
        let metrics = DeadLetterMetrics()
        let recorder = DeadLetterRecorder(store: store, metrics: metrics, logger: Logger(label: "dead-letters"))
        var consumers: [Consumer] = []
        var processors: [any Service] = []
        for queue in configuration.queues {
            let consumer = Consumer(
                configuration: configuration.settings.broker.configuration, connectionName: identity.connectionName("consumer \(queue)"),
                queue: queue, topology: Topology(), options: .init(prefetch: UInt16(configuration.prefetch)),
                logger: Logger(label: "amqp"))
            // One message at a time per queue, so rows are numbered in the order the DLQ holds
            // them. The handler only ever answers `.done` or `.dependencyUnavailable`, so the
            // processor never publishes a retry or dead-letter copy: the topology it is given
            // names the queue and is otherwise unused.
            let processor = DeliveryProcessor(
                consumer: consumer, publisher: connections.publisher,
                topology: ConsumerTopology(consumer: queue, routingKeys: []), options: .init(concurrency: 1),
                logger: Logger(label: "dead-letters"), handler: recorder.handle)
            consumers.append(consumer)
            processors.append(connections.schema.guarding(processor))
        }
        let gauge = WaitingDeadLetterGauge(
            store: store, queues: configuration.queues, interval: configuration.countInterval, metrics: metrics,
            logger: Logger(label: "dead-letters"))
        let ops = OpsServer.application(
            configuration: configuration.ops,
            routes: OpsRoutes(
                readiness: Readiness(
                    connections.readinessChecks + consumers.map { ReadinessCheck.consumer($0, name: "amqp-consumer:\($0.queue)") }),
                registry: registry),
            serverName: "conveyor-dlq-replayer",
            logger: Logger(label: "ops"))
        logger.info("moving dead letters into PostgreSQL", metadata: ["queues": "\(configuration.queues.joined(separator: ","))"])
        try await ServiceRunner.run(
            connections.services + consumers + processors + [connections.schema.guarding(gauge), ops], logger: logger)
    }
}
