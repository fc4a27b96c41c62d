#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ServiceSupport

/// The configuration of dlq-replayer's operator commands (`list`, `show`, `replay`, `purge`),
/// from environment variables.
///
/// - `DATABASE_URL` (required) and the pool settings: see ``DatabaseSettings``. The commands do
///   not migrate: the schema is the services' to prepare.
/// - `AMQP_URL` (required by `replay` only) and the publisher settings (`AMQP_PUBLISH_TIMEOUT`
///   bounds how long one republish may take): see ``BrokerSettings``.
/// - `LOG_LEVEL`: default `warning`; `LOG_FORMAT`: default `text`. Logs go to standard error,
///   so standard output carries only tables, JSON and summaries.
struct OperatorConfiguration: Sendable {
    var identity: ServiceIdentity
    var logging: LoggingConfiguration
    var database: DatabaseSettings
    /// Present when the command publishes.
    var broker: BrokerSettings?

    init(environment: [String: String], needsBroker: Bool) throws(ConfigurationError) {
        var reader = ConfigurationReader(environment: environment)
        identity = ServiceIdentity(service: DLQReplayerConfiguration.service)
        logging = LoggingConfiguration(reader: &reader, defaultLevel: .warning, defaultFormat: .text)
        database = DatabaseSettings(reader: &reader, applicationName: "\(DLQReplayerConfiguration.service)-cli")
        broker = needsBroker ? BrokerSettings(reader: &reader) : nil
        try reader.validate()
    }

    /// Reads the process environment and installs logging on standard error, or exits with
    /// status 2 naming every bad variable.
    static func load(needsBroker: Bool) -> OperatorConfiguration {
        let configuration: OperatorConfiguration
        do {
            configuration = try OperatorConfiguration(environment: ProcessInfo.processInfo.environment, needsBroker: needsBroker)
        } catch {
            ConfigurationFailure.exit(error, service: DLQReplayerConfiguration.service)
        }
        configuration.logging.bootstrap(service: DLQReplayerConfiguration.service, stream: .standardError)
        return configuration
    }
}
