import ConveyorRuntime
import Foundation
import Logging
import Messaging
import Outbox
import ServiceLifecycle
import Storage
import Testing
import TestSupport

/// The relay's wake-ups against the real PostgreSQL and RabbitMQ of the test stack
/// (`CONVEYOR_TEST_POSTGRES_URL`, `CONVEYOR_TEST_AMQP_URL`; missing ones fail). Every relay here
/// polls only once a minute, so an event published within seconds was published because the
/// relay was woken.
@Suite struct OutboxRelayIntegrationTests {
    /// Directly: its listener ignores the relay's own NOTIFY (with only that, this test fails).
    @Test func eventsCommittedWakesTheRelayOfTheWritingProcessAtOnce() async throws {
        try await RelayFixture.with { fixture in
            let publisher = try fixture.publisher()
            let relay = fixture.relay(publisher: publisher)
            try await withServices([publisher, relay], logger: fixture.logger) {
                try await fixture.settle()
                let eventID = try await fixture.writeEvent()
                relay.eventsCommitted()
                #expect(await fixture.isPublished(eventID, within: .seconds(10)))
            }
        }
    }

    @Test func theRelaysOfOtherProcessesWakeOnTheNotification() async throws {
        try await RelayFixture.with { fixture in
            // The writing process's relay has no broker (nothing listens on port 1), so it claims
            // nothing; its NOTIFY wakes the other relay, which publishes the event.
            let stranded = try fixture.publisher(url: "amqp://conveyor:unused@127.0.0.1:1/")
            let writersRelay = fixture.relay(publisher: stranded)
            let publisher = try fixture.publisher()
            let othersRelay = fixture.relay(publisher: publisher)
            try await withServices([stranded, writersRelay, publisher, othersRelay], logger: fixture.logger) {
                try await fixture.settle()
                let eventID = try await fixture.writeEvent()
                writersRelay.eventsCommitted()
                #expect(await fixture.isPublished(eventID, within: .seconds(10)))
            }
        }
    }
}

/// A schema migrated for the test, an exchange and queue for its events, and relays on both.
struct RelayFixture {
    let pool: PostgresPool
    let amqpURL: String
    let topology: Topology
    let exchange: String
    let logger: Logger

    static func with(_ body: (RelayFixture) async throws -> Void) async throws {
        let stack = TestStack()
        let name = "outbox_relay_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        var logger = Logger(label: "outbox.tests")
        logger.logLevel = .warning
        var configuration = try PostgresConfiguration(url: try stack.require("CONVEYOR_TEST_POSTGRES_URL"))
        configuration.searchPath = [String(name)]
        configuration.applicationName = String(name)
        let pool = PostgresPool(configuration: .init(connection: configuration, maxConnections: 4), logger: logger)
        let amqpURL = try stack.require("CONVEYOR_TEST_AMQP_URL")
        let exchange = "test.\(name).events"
        let queue = "test.\(name).work"
        let topology = Topology(
            exchanges: [Topology.Exchange(name: exchange, kind: .direct)],
            queues: [Topology.Queue(name: queue, kind: .quorum)],
            bindings: [Topology.Binding(queue: queue, exchange: exchange, routingKey: "relayed")])
        let amqp = try AMQPConfiguration(url: amqpURL)
        let fixture = RelayFixture(pool: pool, amqpURL: amqpURL, topology: topology, exchange: exchange, logger: logger)
        let outcome: Result<Void, any Error>
        do {
            try await PostgresMigrator(migrations: try PostgresMigration.bundled(), schema: String(name), logger: logger).migrate(on: pool)
            try await topology.declare(using: amqp)
            try await body(fixture)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        try? await topology.delete(using: amqp)
        _ = try? await pool.execute("DROP SCHEMA \(name) CASCADE")
        await pool.close()
        try outcome.get()
    }

    func publisher(url: String? = nil) throws -> Publisher {
        var configuration = try AMQPConfiguration(url: url ?? amqpURL)
        configuration.connectionTimeout = .seconds(2)
        return Publisher(configuration: configuration, connectionName: "outbox relay test", topology: topology, logger: logger)
    }

    /// A relay that polls once a minute and claims 10 ms after a wake-up.
    func relay(publisher: Publisher) -> OutboxRelay {
        OutboxRelay(
            pool: pool, publisher: publisher, options: .init(pollInterval: .seconds(60), claimDelay: .milliseconds(10)),
            logger: logger)
    }

    /// Lets the relays make their first look at the outbox (at start and when their listener
    /// connects), so what follows is woken by nothing else.
    func settle() async throws {
        try await Task.sleep(for: .seconds(2))
    }

    /// Writes one event into the outbox and commits; returns its id.
    func writeEvent() async throws -> UUID {
        let id = UUID.timeOrdered()
        let event = OutboxEvent(
            eventID: id, type: "test.relayed", exchange: exchange, routingKey: "relayed", envelope: Array(#"{"test":true}"#.utf8),
            correlationID: nil, traceparent: nil, occurredAt: Date())
        try await pool.withTransaction { transaction in try await Outbox.enqueue(event, in: transaction) }
        return id
    }

    /// True once the relay marked the event published (after the broker confirmed it), false
    /// when `timeout` passes first.
    func isPublished(_ eventID: UUID, within timeout: Duration) async -> Bool {
        await TestStack.eventually(within: timeout) {
            let rows = try? await pool.query("SELECT published_at IS NOT NULL AS published FROM outbox WHERE event_id = $1", [eventID])
            return (try? rows?.first?.decode(Bool.self, "published")) == true
        }
    }
}
