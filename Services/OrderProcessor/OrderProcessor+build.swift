import Logging
import Orders
import Outbox
import Prometheus
import ServiceSupport

/// The composition root of order-processor.
enum OrderProcessor {
    static let routingKeys = [EventType.orderCreated.routingKey]

    static func run(configuration: OrderProcessorConfiguration, registry: PrometheusCollectorRegistry) async throws {
        let logger = Logger(label: "order-processor")
        let identity = configuration.settings.identity
        let topology = configuration.consumer.topology(consumer: identity.service, routingKeys: routingKeys)
        let connections = ServiceConnections(settings: configuration.settings, topology: topology.topology, logger: logger)
        let relay = OutboxRelay(pool: connections.pool, publisher: connections.publisher, logger: Logger(label: "outbox"))
        let workflow = OrderWorkflow(
            pool: connections.pool, payments: configuration.payments, failureInjection: configuration.failureInjection,
            service: identity.service, actor: identity.actor, inboxRetention: configuration.inboxRetention, logger: logger,
            eventsCommitted: relay.eventsCommitted)
        for reason in OrderWorkflow.FailureReason.allCases {
            _ = OrderWorkflow.failures(reason: reason.rawValue)  // the series exist from the start, at 0
        }
        let worker = QueueWorker(
            service: configuration.settings, consumer: configuration.consumer, routingKeys: routingKeys,
            publisher: connections.publisher, batchHandler: workflow.handle)
        let ops = OpsServer.application(
            configuration: configuration.ops,
            routes: OpsRoutes(readiness: Readiness(connections.readinessChecks + worker.readinessChecks), registry: registry),
            serverName: "conveyor-\(identity.service)",
            logger: Logger(label: "ops"))
        if configuration.failureInjection {
            logger.notice("failure injection is on: orders with sku \(Sku.failureInjection) fail with a technical error")
        }
        try await ServiceRunner.run(
            connections.services + [connections.schema.guarding(relay)] + worker.services(after: connections.schema) + [ops],
            logger: logger)
    }
}
