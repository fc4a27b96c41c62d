import Foundation
import ServiceSupport

/// dlq-replayer's configuration, from environment variables (the CLI's flags choose what to do,
/// these say where).
///
/// - `OPS_HOST`, `OPS_PORT` (`serve`): where `/healthz`, `/readyz` and `/metrics` are served;
///   default 127.0.0.1:9093.
/// - `LOG_LEVEL`, `LOG_FORMAT`: see ``LoggingConfiguration``.
/// - `AMQP_URL` and the publisher settings: see ``BrokerSettings``.
/// - `DATABASE_URL` and the pool settings: see ``DatabaseSettings``.
struct DLQReplayerConfiguration: Sendable {
    static let service = "dlq-replayer"

    var identity: ServiceIdentity
    var logging: LoggingConfiguration
    var ops: OpsConfiguration
    var broker: BrokerSettings
    var database: DatabaseSettings

    init(environment: [String: String]) throws(ConfigurationError) {
        var reader = ConfigurationReader(environment: environment)
        identity = ServiceIdentity(service: Self.service)
        logging = LoggingConfiguration(reader: &reader)
        ops = OpsConfiguration(reader: &reader, defaultPort: 9093)
        broker = BrokerSettings(reader: &reader)
        database = DatabaseSettings(reader: &reader, applicationName: Self.service)
        try reader.validate()
    }

    /// Reads the process environment, or exits with status 2 naming every bad variable.
    static func fromProcessEnvironment() -> DLQReplayerConfiguration {
        do {
            return try DLQReplayerConfiguration(environment: ProcessInfo.processInfo.environment)
        } catch {
            ConfigurationFailure.exit(error, service: service)
        }
    }
}
