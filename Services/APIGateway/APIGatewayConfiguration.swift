import ServiceSupport

/// api-gateway's configuration, from environment variables.
///
/// - `HTTP_HOST`: address to listen on; default `127.0.0.1` (`0.0.0.0` in containers).
/// - `HTTP_PORT`: port; default `8080`.
/// - `IDEMPOTENCY_KEY_RETENTION`: how long an `Idempotency-Key` answer is replayed; default 24h.
/// - `LOG_LEVEL`, `LOG_FORMAT`, `AMQP_URL`, `DATABASE_URL` and their companions: see ``ServiceSettings``.
struct APIGatewayConfiguration: ServiceConfiguration {
    static let service = "api-gateway"

    var settings: ServiceSettings
    var host: String
    var port: Int
    var idempotencyRetention: Duration

    init(environment: [String: String]) throws(ConfigurationError) {
        var reader = ConfigurationReader(environment: environment)
        settings = ServiceSettings(service: Self.service, reader: &reader)
        host = reader.string("HTTP_HOST", default: "127.0.0.1")
        port = reader.int("HTTP_PORT", default: 8080, range: 0...65535)
        idempotencyRetention = reader.duration("IDEMPOTENCY_KEY_RETENTION", default: .seconds(86_400), range: .seconds(60)...(.seconds(30 * 86_400)))
        try reader.validate()
    }
}
