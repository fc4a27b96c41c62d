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

    public init(identity: ServiceIdentity, database: DatabaseSettings, broker: BrokerSettings, topology: Topology, logger: Logger) {
        pool = PostgresPool(configuration: database.pool, logger: Logger(label: "database"))
        schema = SchemaGate(startup: SchemaStartup(settings: database, logger: logger), pool: pool)
        publisher = Publisher(
            configuration: broker.configuration,
            connectionName: identity.connectionName("publisher"),
            topology: topology,
            options: broker.publisherOptions,
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
