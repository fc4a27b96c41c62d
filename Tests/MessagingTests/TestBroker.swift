import Foundation
import Logging
import Messaging
import ServiceLifecycle
import Testing
import TestSupport

/// The integration tests against a real broker, one at a time: one of them restarts the broker.
@Suite(.serialized) enum BrokerIntegrationTests {}

/// The RabbitMQ the integration tests run against, from the environment:
/// `CONVEYOR_TEST_AMQP_URL` (a user with configure/write/read on its vhost) and, for the restart
/// test, `CONVEYOR_TEST_STACK` (a script taking `restart-broker`, `stop-broker`, `start-broker`).
/// Missing variables fail the tests; they are never skipped.
enum TestBroker {
    struct MissingEnvironment: Error, CustomStringConvertible {
        let description: String
    }

    static func configuration(heartbeat: Duration = .seconds(10)) throws -> AMQPConfiguration {
        guard let url = ProcessInfo.processInfo.environment["CONVEYOR_TEST_AMQP_URL"], !url.isEmpty else {
            throw MissingEnvironment(
                description: "CONVEYOR_TEST_AMQP_URL is not set: the Messaging integration tests need a RabbitMQ, "
                    + "e.g. CONVEYOR_TEST_AMQP_URL=amqp://conveyor-admin:secret@localhost:5692/conveyor"
            )
        }
        var configuration = try AMQPConfiguration(url: url)
        configuration.heartbeat = heartbeat
        configuration.connectionTimeout = .seconds(10)
        return configuration
    }

    /// Runs `$CONVEYOR_TEST_STACK command` and waits for it to exit.
    static func stack(_ command: String) async throws {
        try await TestStack.run(command)
    }

    /// A direct exchange `NAME.events` bound to the quorum queue `NAME.work` by `routingKey`.
    static func workTopology(_ name: String, routingKey: String) -> (topology: Topology, exchange: String, queue: String) {
        let exchange = "\(name).events"
        let queue = "\(name).work"
        let topology = Topology(
            exchanges: [Topology.Exchange(name: exchange, kind: .direct)],
            queues: [Topology.Queue(name: queue, kind: .quorum)],
            bindings: [Topology.Binding(queue: queue, exchange: exchange, routingKey: routingKey)]
        )
        return (topology, exchange, queue)
    }

    /// A name no other test run uses.
    static func uniqueName(_ purpose: String) -> String {
        "test.\(purpose).\(UUID().uuidString.prefix(8).lowercased())"
    }

    static func logger(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = ProcessInfo.processInfo.environment["CONVEYOR_TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        return logger
    }

    /// Declares `topology`, runs `body`, and deletes the topology whether `body` succeeded or not.
    static func withTopology<T>(
        _ topology: Topology, configuration: AMQPConfiguration, _ body: () async throws -> T
    ) async throws -> T {
        try await topology.declare(using: configuration)
        do {
            let result = try await body()
            try await topology.delete(using: configuration)
            return result
        } catch {
            try? await topology.delete(using: configuration)
            throw error
        }
    }

    /// Runs `services` while `body` runs, then shuts them down gracefully (TestSupport's
    /// `withServices`).
    static func withServices<T: Sendable>(
        _ services: [any Service],
        shutdownTimeout: Duration = .seconds(20),
        _ body: () async throws -> T
    ) async throws -> T {
        try await TestSupport.withServices(services, logger: logger("test.services"), shutdownTimeout: shutdownTimeout, body)
    }
}
