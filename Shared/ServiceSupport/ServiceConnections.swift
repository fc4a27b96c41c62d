import Logging
import Messaging
import ServiceLifecycle
import Storage

/// What every Conveyor service holds: a PostgreSQL pool whose schema is prepared at start-up
/// (``SchemaGate``) and a confirming publisher that declares the service's topology.
public struct ServiceConnections: Sendable {
    public let pool: PostgresPool
    public let schema: SchemaGate
    public let publisher: Publisher

    public init(settings: ServiceSettings, topology: Topology, logger: Logger) {
        pool = PostgresPool(configuration: settings.database.pool, logger: Logger(label: "database"))
        schema = SchemaGate(startup: SchemaStartup(settings: settings.database, logger: logger), pool: pool)
        publisher = Publisher(
            configuration: settings.broker.configuration,
            connectionName: settings.identity.connectionName("publisher"),
            topology: topology,
            options: settings.broker.publisherOptions,
            logger: Logger(label: "amqp"))
    }

    /// `schema`, `database` and `amqp`.
    public var readinessChecks: [ReadinessCheck] {
        [schema.readinessCheck, .database(pool), .broker(publisher)]
    }

    /// The services in start order; the group shuts them down in reverse, so work that uses
    /// them (added after) stops first.
    public var services: [any Service] {
        [pool, schema, publisher]
    }
}
