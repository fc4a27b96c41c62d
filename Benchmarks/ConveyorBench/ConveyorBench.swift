import ArgumentParser
import ConveyorRuntime
import Foundation
import Logging
import Messaging
import Storage
import Synchronization

/// Measures Conveyor's Messaging and Storage modules against real servers, with the same
/// workloads as `Benchmarks/raw/raw-bench.c` (the same libraries called from C):
///
/// 1. publish: persistent messages with `mandatory` and publisher confirms, pipelined — one
///    `publish` call per message from concurrent tasks, or (`publish-batch`) one call per batch;
/// 2. consume + ack: every message acked on its own;
/// 3. consume + insert: batches of messages inserted in one transaction, acked after COMMIT;
/// 4. PostgreSQL round trips: `SELECT $1::int8` through the pool from several tasks.
///
/// Run it in release mode: `swift run -c release conveyor-bench --help`.
@main
struct ConveyorBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conveyor-bench",
        abstract: "Throughput of Conveyor's Messaging and Storage modules against real RabbitMQ and PostgreSQL.")

    @Option(help: "AMQP URL of a user that may declare queues (default: $CONVEYOR_TEST_AMQP_URL).")
    var amqpURL: String?

    @Option(help: "PostgreSQL URL of a role that may create schemas (default: $CONVEYOR_TEST_POSTGRES_URL).")
    var postgresURL: String?

    @Option(help: "Messages per messaging workload.")
    var messages = 100_000

    @Option(help: "Bytes per message body.")
    var bodyBytes = 512

    @Option(help: "Unconfirmed messages in flight while publishing.")
    var window = 1000

    @Option(help: "Consumer prefetch.")
    var prefetch: UInt16 = 1000

    @Option(help: "Messages per INSERT transaction, and per call of the publish-batch workload.")
    var batch = 100

    @Option(help: "Queries of the round-trip workload.")
    var queries = 100_000

    @Option(help: "Concurrent tasks (and pool connections) of the round-trip workload.")
    var dbWorkers = 8

    @Option(help: "Queue type: quorum or classic.")
    var queueType = "quorum"

    @Option(help: "Workloads to run, comma-separated: publish, publish-batch, consume, insert, db, tx.")
    var only = "publish,publish-batch,consume,insert,db,tx"

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    mutating func validate() throws {
        guard messages > 0, bodyBytes > 0, window > 0, prefetch > 0, batch > 0, queries > 0, dbWorkers > 0 else {
            throw ValidationError("counts and sizes must be positive")
        }
        guard Int(prefetch) >= batch else { throw ValidationError("--prefetch must be at least --batch") }
        guard ["quorum", "classic"].contains(queueType) else { throw ValidationError("--queue-type is quorum or classic") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        let environment = ProcessInfo.processInfo.environment
        guard let amqpURL = amqpURL ?? environment["CONVEYOR_TEST_AMQP_URL"],
            let postgresURL = postgresURL ?? environment["CONVEYOR_TEST_POSTGRES_URL"]
        else {
            throw ValidationError("give --amqp-url and --postgres-url, or export deploy/local/stack.sh env")
        }
        let workloads = Set(only.split(separator: ",").map { String($0) })
        let bench = Workloads(
            amqp: try AMQPConfiguration(url: amqpURL), postgres: try PostgresConfiguration(url: postgresURL), settings: self)
        var results: [(String, Measurement)] = []
        if workloads.contains("publish") { results.append(("publish", try await bench.publish())) }
        if workloads.contains("publish-batch") { results.append(("publish-batch", try await bench.publishInBatches())) }
        if workloads.contains("consume") { results.append(("consume", try await bench.consumeAndAck())) }
        if workloads.contains("insert") { results.append(("insert", try await bench.consumeAndInsert())) }
        if workloads.contains("db") { results.append(("db", try await bench.roundTrips())) }
        if workloads.contains("tx") { results.append(("tx", try await bench.roundTrips(perTransaction: 5))) }
        report(results)
    }

    private func report(_ results: [(String, Measurement)]) {
        if json {
            let entries = results.map { name, measurement in
                #""\#(name)":{"count":\#(measurement.count),"elapsed_s":\#(measurement.seconds),"per_s":\#(Int(measurement.rate))}"#
            }
            print(
                #"{"config":{"messages":\#(messages),"body_bytes":\#(bodyBytes),"window":\#(window),"prefetch":\#(prefetch),"batch":\#(batch),"queries":\#(queries),"db_workers":\#(dbWorkers),"queue_type":"\#(queueType)"},"#
                    + entries.joined(separator: ",") + "}")
            return
        }
        print("conveyor-bench: \(messages) messages of \(bodyBytes) B, window \(window), prefetch \(prefetch), batch \(batch), \(queueType) queues")
        let labels = [
            "publish": "publish (persistent, mandatory, confirms)",
            "publish-batch": "publish, \(batch) per call",
            "consume": "consume + ack each",
            "insert": "consume + \(batch)-row INSERT + ack each",
            "db": "SELECT $1::int8, \(dbWorkers) tasks",
            "tx": "5 x SELECT $1::int8 per transaction, \(dbWorkers) tasks",
        ]
        for (name, measurement) in results {
            let unit = name == "db" || name == "tx" ? "queries/s" : "msgs/s"
            print(
                "  \(labels[name, default: name].padding(toLength: 44, withPad: " ", startingAt: 0)) "
                    + "\(String(format: "%9.0f", measurement.rate)) \(unit)  (\(measurement.count) in \(String(format: "%.2f", measurement.seconds)) s)")
        }
    }
}

/// How many operations took how long.
struct Measurement: Sendable {
    var count: Int
    var seconds: Double
    var rate: Double { Double(count) / seconds }

    init(count: Int, since start: ContinuousClock.Instant) {
        self.count = count
        seconds = (ContinuousClock.now - start).seconds
    }
}
