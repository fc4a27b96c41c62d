import Messaging

/// How a service reaches RabbitMQ.
///
/// - `AMQP_URL` (required): `amqp://user:password@host:5672/vhost` or `amqps://…`; query
///   options as ``AMQPConfiguration`` documents them (e.g. `heartbeat=10`).
/// - `AMQP_PUBLISH_WINDOW`: unconfirmed messages in flight per publisher, 1–10000; default 1000.
/// - `AMQP_PUBLISH_TIMEOUT`: how long one publish may take before it fails; default 30s.
public struct BrokerSettings: Sendable {
    public var configuration: AMQPConfiguration
    public var publisherOptions: Publisher.Options

    public init(configuration: AMQPConfiguration, publisherOptions: Publisher.Options = .init()) {
        self.configuration = configuration
        self.publisherOptions = publisherOptions
    }

    public init(reader: inout ConfigurationReader) {
        let url = reader.url("AMQP_URL", schemes: ["amqp", "amqps"])
        var configuration = AMQPConfiguration(host: "localhost")
        if !url.isEmpty {
            do {
                configuration = try AMQPConfiguration(url: url)
            } catch {
                reader.report("AMQP_URL", expected: "an AMQP URL like amqp://user:password@host:5672/vhost (\(error))")
            }
        }
        self.configuration = configuration
        let window = reader.int("AMQP_PUBLISH_WINDOW", default: 1000, range: 1...10_000)
        let timeout = reader.duration("AMQP_PUBLISH_TIMEOUT", default: .seconds(30), range: .seconds(1)...(.seconds(600)))
        publisherOptions = Publisher.Options(window: window, publishTimeout: timeout)
    }
}
