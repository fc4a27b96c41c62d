import ServiceSupport

/// order-processor's configuration, from environment variables.
///
/// - `OPS_HOST`, `OPS_PORT`: where `/healthz`, `/readyz` and `/metrics` are served; default 127.0.0.1:9091.
/// - `FAILURE_INJECTION`: when true, an order with sku `FAIL-ME` fails with a technical error
///   (for testing retries and the DLQ); default false.
/// - `PAYMENT_DECLINE_ABOVE`: the mock payment provider declines totals above this many minor
///   units; default 100000 (1000.00 in a two-decimal currency).
/// - `PAYMENT_DECLINED_CUSTOMERS`: customer ids whose payments are declined, comma-separated.
/// - `INBOX_RETENTION`: how long a handled event id is remembered; default 7 days (168h).
/// - `LOG_LEVEL`, `LOG_FORMAT`, `AMQP_URL`, `DATABASE_URL` and their companions: see ``ServiceSettings``.
/// - `RETRY_DELAYS`, `MAX_ATTEMPTS`, `DELIVERY_LIMIT`, `PREFETCH`, `CONCURRENCY`: see ``ConsumerSettings``.
struct OrderProcessorConfiguration: ServiceConfiguration {
    static let service = "order-processor"

    var settings: ServiceSettings
    var ops: OpsConfiguration
    var consumer: ConsumerSettings
    var failureInjection: Bool
    var payments: MockPaymentProvider
    var inboxRetention: Duration

    init(environment: [String: String]) throws(ConfigurationError) {
        var reader = ConfigurationReader(environment: environment)
        settings = ServiceSettings(service: Self.service, reader: &reader)
        ops = OpsConfiguration(reader: &reader, defaultPort: 9091)
        consumer = ConsumerSettings(reader: &reader)
        failureInjection = reader.bool("FAILURE_INJECTION", default: false)
        let declineAbove = reader.int("PAYMENT_DECLINE_ABOVE", default: 100_000, range: 0...Int(Int32.max))
        let declined = reader.string("PAYMENT_DECLINED_CUSTOMERS", default: "").split(separator: ",")
            .map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
        payments = MockPaymentProvider(declineAboveMinorUnits: Int64(declineAbove), declinedCustomers: Set(declined))
        inboxRetention = reader.duration("INBOX_RETENTION", default: .seconds(7 * 86_400), range: .seconds(60)...(.seconds(365 * 86_400)))
        try reader.validate()
    }
}
