import Hummingbird
import Logging
import Prometheus
import ServiceSupport

/// The composition root of api-gateway.
enum APIGateway {
    static func run(configuration: APIGatewayConfiguration, registry: PrometheusCollectorRegistry) async throws {
        let logger = Logger(label: "api-gateway")
        let connections = ServiceConnections(
            identity: configuration.identity, database: configuration.database, broker: configuration.broker,
            topology: EventTopology.events, logger: logger)

        let router = Router()
        OpsRoutes(readiness: Readiness(connections.readinessChecks), registry: registry).add(to: router)
        let application = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "conveyor-api-gateway"),
            logger: Logger(label: "http"))

        try await ServiceRunner.run(connections.services + [application], logger: logger)
    }
}
