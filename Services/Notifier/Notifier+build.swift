import Logging
import Messaging
import Orders
import Prometheus
import ServiceSupport

/// The composition root of notifier.
enum Notifier {
    static let routingKeys = [EventType.orderProcessed, .orderFailed, .orderCancelled].map(\.routingKey)

    static func run(configuration: NotifierConfiguration, registry: PrometheusCollectorRegistry) async throws {
        let logger = Logger(label: "notifier")
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
