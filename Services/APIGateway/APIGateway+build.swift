import Hummingbird
import Logging
import Outbox
import Prometheus
import ServiceSupport

/// The composition root of api-gateway.
enum APIGateway {
    static func run(configuration: APIGatewayConfiguration, registry: PrometheusCollectorRegistry) async throws {
        let logger = Logger(label: "api-gateway")
        let connections = ServiceConnections(settings: configuration.settings, topology: EventTopology.events, logger: logger)
        let relay = OutboxRelay(pool: connections.pool, publisher: connections.publisher, logger: Logger(label: "outbox"))
        let application = Application(
            router: router(configuration: configuration, connections: connections, relay: relay, registry: registry),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "conveyor-api-gateway"),
            logger: Logger(label: "http"))
        try await ServiceRunner.run(connections.services + [relay, application], logger: logger)
    }

    static func router(
        configuration: APIGatewayConfiguration, connections: ServiceConnections, relay: OutboxRelay,
        registry: PrometheusCollectorRegistry
    ) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: HTTPMetricsMiddleware())
        router.add(middleware: ProblemMiddleware(routes: OrderRoutes.table.adding(OpenAPIDocument.route)))
        OpsRoutes(readiness: Readiness(connections.readinessChecks), registry: registry).add(to: router)
        OrderRoutes(
            store: OrderStore(
                pool: connections.pool, service: configuration.settings.identity.service,
                idempotencyRetention: configuration.idempotencyRetention, eventsCommitted: relay.eventsCommitted)
        ).add(to: router)
        OpenAPIDocument().add(to: router)
        return router
    }
}
