import ServiceSupport

/// order-processor's configuration, from environment variables.
///
/// - `OPS_HOST`, `OPS_PORT`: where `/healthz`, `/readyz` and `/metrics` are served; default 127.0.0.1:9091.
/// - `FAILURE_INJECTION`: when true, an order with sku `FAIL-ME` fails with a technical error
///   (for testing retries and the DLQ); default false.
/// - `LOG_LEVEL`, `LOG_FORMAT`: see ``LoggingConfiguration``.
/// - `AMQP_URL` and the publisher settings: see ``BrokerSettings``.
/// - `DATABASE_URL` and the pool settings: see ``DatabaseSettings``.
/// - `RETRY_DELAYS`, `MAX_ATTEMPTS`, `DELIVERY_LIMIT`, `PREFETCH`, `CONCURRENCY`: see ``ConsumerSettings``.
struct OrderProcessorConfiguration: Sendable {
    static let service = "order-processor"

    var identity: ServiceIdentity
    var logging: LoggingConfiguration
    var ops: OpsConfiguration
    var broker: BrokerSettings
    var database: DatabaseSettings
    var consumer: ConsumerSettings
    var failureInjection: Bool

    init(environment: [String: String]) throws(ConfigurationError) {
        var reader = ConfigurationReader(environment: environment)
        identity = ServiceIdentity(service: Self.service)
        logging = LoggingConfiguration(reader: &reader)
        ops = OpsConfiguration(reader: &reader, defaultPort: 9091)
        broker = BrokerSettings(reader: &reader)
        database = DatabaseSettings(reader: &reader, applicationName: Self.service)
        consumer = ConsumerSettings(reader: &reader)
        failureInjection = reader.bool("FAILURE_INJECTION", default: false)
        try reader.validate()
    }
}
