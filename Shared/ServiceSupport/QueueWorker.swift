import Logging
import Messaging
import ServiceLifecycle

/// A consumer of a service's work queue and the ``DeliveryProcessor`` that runs its handler,
/// with retries and dead-lettering as ``ConsumerSettings`` configure them.
public struct QueueWorker: Sendable {
    public let topology: ConsumerTopology
    public let consumer: Consumer
    public let processor: DeliveryProcessor

    public init(
        service: ServiceSettings, consumer settings: ConsumerSettings, routingKeys: [String], publisher: Publisher,
        batchHandler: @escaping DeliveryProcessor.BatchHandler
    ) {
        topology = settings.topology(consumer: service.identity.service, routingKeys: routingKeys)
        consumer = Consumer(
            configuration: service.broker.configuration, connectionName: service.identity.connectionName("consumer"),
            queue: topology.workQueue, topology: topology.topology, options: .init(prefetch: UInt16(settings.prefetch)),
            logger: Logger(label: "amqp"))
        processor = DeliveryProcessor(
            consumer: consumer, publisher: publisher, topology: topology, options: .init(concurrency: settings.concurrency, batchSize: settings.batchSize, batchWait: settings.batchWait),
            logger: Logger(label: "worker"), batchHandler: batchHandler)
    }

    /// `amqp-consumer`.
    public var readinessChecks: [ReadinessCheck] {
        [.consumer(consumer)]
    }

    /// The consumer, then the processor (started once `schema` is current): the group stops
    /// the processor first, which settles what it holds before the consumer closes.
    public func services(after schema: SchemaGate) -> [any Service] {
        [consumer, schema.guarding(processor)]
    }
}
