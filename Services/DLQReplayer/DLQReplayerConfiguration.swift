import Foundation
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
/// - `LOG_LEVEL`, `LOG_FORMAT`: see ``LoggingConfiguration``.
/// - `AMQP_URL` and the publisher settings: see ``BrokerSettings``.
/// - `DATABASE_URL` and the pool settings: see ``DatabaseSettings``.
struct DLQReplayerConfiguration: Sendable {
    static let service = "dlq-replayer"
    static let defaultQueues = ["order-processor.dlq", "notifier.dlq"]

    var identity: ServiceIdentity
    var logging: LoggingConfiguration
    var ops: OpsConfiguration
    var broker: BrokerSettings
    var database: DatabaseSettings
    var queues: [String]
    var prefetch: Int
    var countInterval: Duration

    init(environment: [String: String]) throws(ConfigurationError) {
        var reader = ConfigurationReader(environment: environment)
        identity = ServiceIdentity(service: Self.service)
        logging = LoggingConfiguration(reader: &reader)
        ops = OpsConfiguration(reader: &reader, defaultPort: 9093)
        broker = BrokerSettings(reader: &reader)
        database = DatabaseSettings(reader: &reader, applicationName: Self.service)
        queues = Self.queues(reader: &reader)
        prefetch = reader.int("DLQ_PREFETCH", default: 50, range: 1...10_000)
        countInterval = reader.duration("DLQ_COUNT_INTERVAL", default: .seconds(15), range: .seconds(1)...(.seconds(3600)))
        try reader.validate()
    }

    private static func queues(reader: inout ConfigurationReader) -> [String] {
        guard let text = reader.optionalString("DLQ_QUEUES") else { return defaultQueues }
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 255 }), Set(names).count == names.count else {
            reader.report("DLQ_QUEUES", expected: "a comma-separated list of distinct queue names", found: text)
            return defaultQueues
        }
        return names
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
