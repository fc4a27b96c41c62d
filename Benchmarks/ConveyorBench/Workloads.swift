import ConveyorRuntime
import Foundation
import Logging
import Messaging
import Storage
import Synchronization

/// The four workloads. Each declares its own queue (and schema) and removes it afterwards.
struct Workloads: Sendable {
    let amqp: AMQPConfiguration
    let postgres: PostgresConfiguration
    let messages: Int
    let body: [UInt8]
    let window: Int
    let prefetch: UInt16
    let batch: Int
    let queries: Int
    let dbWorkers: Int
    let queueKind: Topology.Queue.Kind
    let logger = Logger(label: "conveyor-bench")

    init(amqp: AMQPConfiguration, postgres: PostgresConfiguration, settings: ConveyorBench) {
        self.amqp = amqp
        self.postgres = postgres
        messages = settings.messages
        body = Array(repeating: UInt8(ascii: "x"), count: settings.bodyBytes)
        window = settings.window
        prefetch = settings.prefetch
        batch = settings.batch
        queries = settings.queries
        dbWorkers = settings.dbWorkers
        queueKind = settings.queueType == "classic" ? .classic : .quorum
    }

    // MARK: Workloads

    func publish() async throws -> Measurement {
        try await withQueue { topology, queue in
            try await withPublisher(topology: topology) { publisher in
                let start = ContinuousClock.now
                try await publishAll(with: publisher, to: queue)
                return Measurement(count: messages, since: start)
            }
        }
    }

    func publishInBatches() async throws -> Measurement {
        try await withQueue { topology, queue in
            try await withPublisher(topology: topology) { publisher in
                let start = ContinuousClock.now
                try await publishInBatches(with: publisher, to: queue)
                return Measurement(count: messages, since: start)
            }
        }
    }

    func consumeAndAck() async throws -> Measurement {
        try await withQueue { topology, queue in
            try await withPublisher(topology: topology) { try await publishInBatches(with: $0, to: queue) }
            return try await withConsumer(queue: queue, topology: topology) { deliveries in
                let start = ContinuousClock.now
                var received = 0
                for await delivery in deliveries {
                    await delivery.ack()
                    received += 1
                    if received == messages { break }
                }
                return Measurement(count: received, since: start)
            }
        }
    }

    func consumeAndInsert() async throws -> Measurement {
        try await withQueue { topology, queue in
            try await withPublisher(topology: topology) { try await publishInBatches(with: $0, to: queue) }
            return try await withTable { pool, table in
                try await withConsumer(queue: queue, topology: topology) { deliveries in
                    let start = ContinuousClock.now
                    var pending: [Delivery] = []
                    var inserted = 0
                    for await delivery in deliveries {
                        pending.append(delivery)
                        guard pending.count == batch || inserted + pending.count == messages else { continue }
                        let rows = pending
                        let firstID = inserted
                        try await pool.withTransaction { transaction in
                            var placeholders: [String] = []
                            var parameters: [any PostgresBindable] = []
                            for (offset, row) in rows.enumerated() {
                                placeholders.append("($\(parameters.count + 1), $\(parameters.count + 2))")
                                parameters.append(Int64(firstID + offset))
                                parameters.append(String(decoding: row.message.body, as: UTF8.self))
                            }
                            try await transaction.execute(
                                "INSERT INTO \(table) (id, body) VALUES " + placeholders.joined(separator: ","), parameters)
                        }
                        for row in rows {
                            await row.ack()
                        }
                        inserted += rows.count
                        pending.removeAll(keepingCapacity: true)
                        if inserted == messages { break }
                    }
                    return Measurement(count: inserted, since: start)
                }
            }
        }
    }

    /// `SELECT $1::int8` from `dbWorkers` tasks: each on its own through the pool, or, with
    /// `perTransaction`, that many in each transaction (BEGIN and COMMIT not counted).
    func roundTrips(perTransaction: Int? = nil) async throws -> Measurement {
        let pool = PostgresPool(configuration: .init(connection: postgres, maxConnections: dbWorkers), logger: logger)
        do {
            // Open every connection before the clock starts.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<dbWorkers {
                    group.addTask { _ = try await pool.query("SELECT pg_sleep(0.01)") }
                }
                try await group.waitForAll()
            }
            let next = Ticket()
            let tasks = queries / (perTransaction ?? 1)
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<dbWorkers {
                    group.addTask {
                        while true {
                            let value = next.take()
                            guard value < tasks else { return }
                            guard let perTransaction else {
                                try await Self.select(value, in: pool)
                                continue
                            }
                            try await pool.withTransaction { transaction in
                                for offset in 0..<perTransaction {
                                    try await Self.select(value * perTransaction + offset, in: transaction)
                                }
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let measurement = Measurement(count: tasks * (perTransaction ?? 1), since: start)
            await pool.close()
            return measurement
        } catch {
            await pool.close()
            throw error
        }
    }

    private static func select(_ value: Int, in database: some PostgresQuerying) async throws {
        let rows = try await database.query("SELECT $1::int8 AS v", [Int64(value)])
        guard try rows[0].decode(Int64.self, "v") == Int64(value) else {
            throw BenchError("query \(value) returned the wrong value")
        }
    }

    // MARK: Fixtures

    /// Publishes `messages` messages from up to `window` concurrent tasks and waits for every confirm.
    private func publishAll(with publisher: Publisher, to queue: String) async throws {
        let next = Ticket()
        let message = Message(body: body, contentType: "application/octet-stream")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<min(window, messages) {
                group.addTask {
                    while next.take() < messages {
                        try await publisher.publish(message, exchange: "", routingKey: queue)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Publishes `messages` messages in batches of `batch` (one `publish(_:)` call each) from as
    /// many concurrent tasks as fill the window, and waits for every confirm.
    private func publishInBatches(with publisher: Publisher, to queue: String) async throws {
        let next = Ticket()
        let publication = Publication(Message(body: body, contentType: "application/octet-stream"), exchange: "", routingKey: queue)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, min(window / batch, messages / batch)) {
                group.addTask {
                    while true {
                        let first = next.take(batch)
                        guard first < messages else { return }
                        let results = await publisher.publish(Array(repeating: publication, count: min(batch, messages - first)))
                        for result in results {
                            try result.get()
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    private func withQueue<T>(_ body: (Topology, String) async throws -> T) async throws -> T {
        let queue = "conveyor-bench.\(UUID().uuidString.prefix(8).lowercased())"
        let topology = Topology(queues: [.init(name: queue, kind: queueKind)])
        try await topology.declare(using: amqp, connectionName: "conveyor-bench topology")
        do {
            let result = try await body(topology, queue)
            try await topology.delete(using: amqp, connectionName: "conveyor-bench topology")
            return result
        } catch {
            try? await topology.delete(using: amqp, connectionName: "conveyor-bench topology")
            throw error
        }
    }

    private func withPublisher<T: Sendable>(topology: Topology, _ body: (Publisher) async throws -> T) async throws -> T {
        let publisher = Publisher(
            configuration: amqp, connectionName: "conveyor-bench publisher", topology: topology,
            options: .init(window: window, publishTimeout: .seconds(120)), logger: logger)
        let running = Task { try await publisher.run() }
        defer { running.cancel() }
        return try await body(publisher)
    }

    private func withConsumer<T: Sendable>(
        queue: String, topology: Topology, _ body: (Consumer.Deliveries) async throws -> T
    ) async throws -> T {
        let consumer = Consumer(
            configuration: amqp, connectionName: "conveyor-bench consumer", queue: queue, topology: topology,
            options: .init(prefetch: prefetch), logger: logger)
        let running = Task { try await consumer.run() }
        defer { running.cancel() }
        return try await body(consumer.deliveries)
    }

    /// A table `(id bigint primary key, body text)` in a schema of its own, dropped afterwards.
    private func withTable<T>(_ body: (PostgresPool, String) async throws -> T) async throws -> T {
        let pool = PostgresPool(configuration: .init(connection: postgres, maxConnections: 2), logger: logger)
        let schema = "bench_\(UUID().uuidString.prefix(8).lowercased())"
        do {
            try await pool.execute("CREATE SCHEMA \(schema)")
            try await pool.execute("CREATE TABLE \(schema).messages (id bigint PRIMARY KEY, body text NOT NULL)")
            let result = try await body(pool, "\(schema).messages")
            try await pool.execute("DROP SCHEMA \(schema) CASCADE")
            await pool.close()
            return result
        } catch {
            _ = try? await pool.execute("DROP SCHEMA \(schema) CASCADE")
            await pool.close()
            throw error
        }
    }
}

/// Hands out 0, 1, 2, … to concurrent tasks.
final class Ticket: Sendable {
    private let counter = Atomic<Int>(0)

    /// Takes `count` consecutive numbers; returns the first.
    func take(_ count: Int = 1) -> Int {
        counter.add(count, ordering: .relaxed).oldValue
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
