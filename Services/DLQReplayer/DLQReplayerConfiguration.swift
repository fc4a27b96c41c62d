import ServiceSupport

/// `dlq-replayer serve`'s configuration, from environment variables.
///
/// - `DLQ_QUEUES`: the dead-letter queues to move into `dead_letters`, comma-separated;
///   default `order-processor.dlq,notifier.dlq`.
/// - `DLQ_PREFETCH`: unacknowledged deliveries per queue held at once, 1–10000; default 50.
/// - `DLQ_COUNT_INTERVAL`: how often the waiting dead letters are counted for
///   `conveyor_dead_letters_waiting`, 1s–1h; default 15s.
/// - `OPS_HOST`, `OPS_PORT`: where `/healthz`, `/readyz` and `/metrics` are served;
///   default 127.0.0.1:9093.
/// - `LOG_LEVEL`, `LOG_FORMAT`, `AMQP_URL`, `DATABASE_URL` and their companions: see ``ServiceSettings``.
struct DLQReplayerConfiguration: ServiceConfiguration {
    static let service = "dlq-replayer"
    static let defaultQueues = ["order-processor.dlq", "notifier.dlq"]

    var settings: ServiceSettings
    var ops: OpsConfiguration
    var queues: [String]
    var prefetch: Int
    var countInterval: Duration

    init(environment: [String: String]) throws(ConfigurationError) {
        var reader = ConfigurationReader(environment: environment)
        settings = ServiceSettings(service: Self.service, reader: &reader)
        ops = OpsConfiguration(reader: &reader, defaultPort: 9093)
        queues = Self.queues(reader: &reader)
        prefetch = reader.int("DLQ_PREFETCH", default: 50, range: 1...10_000)
        countInterval = reader.duration("DLQ_COUNT_INTERVAL", default: .seconds(15), range: .seconds(1)...(.seconds(3600)))
        try reader.validate()
    }

    private static func queues(reader: inout ConfigurationReader) -> [String] {
        guard let text = reader.optionalString("DLQ_QUEUES") else { return defaultQueues }
        let names = text.split(separator: ",").map { $0.trimmingSpaces() }
        guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 255 }), Set(names).count == names.count else {
            reader.report("DLQ_QUEUES", expected: "a comma-separated list of distinct queue names", found: text)
            return defaultQueues
        }
        return names
    }
}
