import ServiceSupport

/// api-gateway's configuration, from environment variables.
///
/// - `HTTP_HOST`: address to listen on; default `127.0.0.1` (`0.0.0.0` in containers).
/// - `HTTP_PORT`: port; default `8080`.
/// - `IDEMPOTENCY_KEY_RETENTION`: how long an `Idempotency-Key` answer is replayed; default 24h.
/// - `LOG_LEVEL`, `LOG_FORMAT`: see ``LoggingConfiguration``.
/// - `AMQP_URL` and the publisher settings: see ``BrokerSettings``.
/// - `DATABASE_URL` and the pool settings: see ``DatabaseSettings``.
struct APIGatewayConfiguration: Sendable {
    static let service = "api-gateway"

    var identity: ServiceIdentity
    var logging: LoggingConfiguration
    var host: String
    var port: Int
    var broker: BrokerSettings
    var database: DatabaseSettings
    var idempotencyRetention: Duration

    init(environment: [String: String]) throws(ConfigurationError) {
        var reader = ConfigurationReader(environment: environment)
        identity = ServiceIdentity(service: Self.service)
        logging = LoggingConfiguration(reader: &reader)
        host = reader.string("HTTP_HOST", default: "127.0.0.1")
        port = reader.int("HTTP_PORT", default: 8080, range: 0...65535)
        broker = BrokerSettings(reader: &reader)
        database = DatabaseSettings(reader: &reader, applicationName: Self.service)
        idempotencyRetention = reader.duration("IDEMPOTENCY_KEY_RETENTION", default: .seconds(86_400), range: .seconds(60)...(.seconds(30 * 86_400)))
        try reader.validate()
    }
}
