import Logging
import Messaging
import Orders
import Prometheus
import ServiceSupport

/// The composition root of order-processor.
enum OrderProcessor {
    static let routingKeys = [EventType.orderCreated.routingKey]

    static func run(configuration: OrderProcessorConfiguration, registry: PrometheusCollectorRegistry) async throws {
        let logger = Logger(label: "order-processor")
        let identity = configuration.identity
        let topology = configuration.consumer.topology(consumer: identity.service, routingKeys: routingKeys)
        let connections = ServiceConnections(
            identity: identity, database: configuration.database, broker: configuration.broker,
            topology: topology.topology, logger: logger)
        let ops = OpsServer.application(
            configuration: configuration.ops,
            routes: OpsRoutes(readiness: Readiness(connections.readinessChecks), registry: registry),
            serverName: "conveyor-\(identity.service)",
            logger: Logger(label: "ops"))
        try await ServiceRunner.run(connections.services + [ops], logger: logger)
    }
}
