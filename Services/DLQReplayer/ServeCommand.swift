import ArgumentParser
import ServiceSupport

/// `dlq-replayer serve`: the long-running part. It moves every message of the DLQs into
/// `dead_letters` and serves `/healthz`, `/readyz` and `/metrics`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run as a service: move every dead letter from the DLQs into PostgreSQL.",
        discussion: """
            Each message is stored in dead_letters (once: a redelivered copy changes nothing) and \
            acknowledged only after the commit. While PostgreSQL is unavailable nothing is \
            acknowledged and no new messages are taken. Configuration: DLQ_QUEUES, DLQ_PREFETCH, \
            DLQ_COUNT_INTERVAL, OPS_HOST, OPS_PORT, AMQP_URL, DATABASE_URL (see the README).
            """
    )

    func run() async throws {
        let configuration = DLQReplayerConfiguration.load()
        let registry = MetricsBootstrap.prometheus()
        try await Self.serve(configuration: configuration, registry: registry)
    }
}
