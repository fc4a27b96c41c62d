/// What every service reads from its environment: who it is, how it logs, and how it reaches
/// RabbitMQ and PostgreSQL (see ``LoggingConfiguration``, ``BrokerSettings`` and
/// ``DatabaseSettings`` for the variables).
public struct ServiceSettings: Sendable {
    public var identity: ServiceIdentity
    public var logging: LoggingConfiguration
    public var broker: BrokerSettings
    public var database: DatabaseSettings

    public init(identity: ServiceIdentity, logging: LoggingConfiguration, broker: BrokerSettings, database: DatabaseSettings) {
        self.identity = identity
        self.logging = logging
        self.broker = broker
        self.database = database
    }

    public init(service: String, reader: inout ConfigurationReader) {
        identity = ServiceIdentity(service: service)
        logging = LoggingConfiguration(reader: &reader)
        broker = BrokerSettings(reader: &reader)
        database = DatabaseSettings(reader: &reader, applicationName: service)
    }
}
