import Logging
import Mail
import Orders
import Prometheus
import ServiceSupport

/// The composition root of notifier.
enum Notifier {
    static let routingKeys = [EventType.orderProcessed, .orderFailed, .orderCancelled].map(\.routingKey)

    static func run(configuration: NotifierConfiguration, registry: PrometheusCollectorRegistry) async throws {
        let logger = Logger(label: "notifier")
        let identity = configuration.settings.identity
        let topology = configuration.consumer.topology(consumer: identity.service, routingKeys: routingKeys)
        let connections = ServiceConnections(settings: configuration.settings, topology: topology.topology, logger: logger)
        let mailers = MailerPool(configuration: configuration.smtp, size: configuration.smtpConnections)
        let dispatch = EmailDispatch(
            pool: connections.pool, mailers: mailers, sender: configuration.smtp.sender,
            fallbackRecipient: configuration.fallbackRecipient, logger: logger)
        let worker = QueueWorker(
            service: configuration.settings, consumer: configuration.consumer, routingKeys: routingKeys,
            publisher: connections.publisher, batchHandler: dispatch.handle)
        // Its own connection, so a probe never waits behind a slow send.
        let probe = SMTPMailer(configuration: configuration.smtp)
        let smtpCheck = ReadinessCheck("smtp") {
            do {
                try await probe.checkConnection()
                return nil
            } catch {
                return "\(error)"
            }
        }
        let ops = OpsServer.application(
            configuration: configuration.ops,
            routes: OpsRoutes(
                readiness: Readiness(connections.readinessChecks + worker.readinessChecks + [smtpCheck]), registry: registry),
            serverName: "conveyor-\(identity.service)",
            logger: Logger(label: "ops"))
        try await ServiceRunner.run(connections.services + worker.services(after: connections.schema) + [ops], logger: logger)
        await mailers.close()
        await probe.close()
    }
}
