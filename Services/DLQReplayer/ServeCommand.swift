import ArgumentParser
import Logging
import ServiceSupport

/// `dlq-replayer serve`: the long-running part, with `/healthz`, `/readyz` and `/metrics`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run as a service: keep the connections to RabbitMQ and PostgreSQL and serve the ops endpoints."
    )

    func run() async throws {
        let configuration = DLQReplayerConfiguration.fromProcessEnvironment()
        configuration.logging.bootstrap(service: DLQReplayerConfiguration.service)
        let registry = MetricsBootstrap.prometheus()
        let logger = Logger(label: "dlq-replayer")
        // The replayer's broker user may not declare anything: it publishes into the topology
        // the consumers declared.
        let connections = ServiceConnections(
            settings: ServiceSettings(identity: configuration.identity, logging: configuration.logging, broker: configuration.broker, database: configuration.database),
            topology: .init(), logger: logger)
        let ops = OpsServer.application(
            configuration: configuration.ops,
            routes: OpsRoutes(readiness: Readiness(connections.readinessChecks), registry: registry),
            serverName: "conveyor-dlq-replayer",
            logger: Logger(label: "ops"))
        try await ServiceRunner.run(connections.services + [ops], logger: logger)
    }
}
