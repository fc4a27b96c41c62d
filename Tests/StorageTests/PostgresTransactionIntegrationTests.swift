import Foundation
import MetricsTestKit
import Storage
import Testing

extension IntegrationTests {
    @Suite struct PostgresTransactionIntegrationTests {
        struct Rollback: Error {}

        @Test func commitsOnSuccessAndRollsBackOnError() async throws {
            try await TestDatabase.withSchema { pool, _ in
                try await pool.execute("CREATE TABLE entries (id int PRIMARY KEY)")
                let value = try await pool.withTransaction { tx in
                    try await tx.execute("INSERT INTO entries VALUES (1)")
                    return "done"
                }
                #expect(value == "done")
                await #expect(throws: Rollback.self) {
                    try await pool.withTransaction { tx in
                        try await tx.execute("INSERT INTO entries VALUES (2)")
                        throw Rollback()
                    }
                }
                await #expect(throws: PostgresError.self) {
                    try await pool.withTransaction { tx in
                        try await tx.execute("INSERT INTO entries VALUES (3)")
                        try await tx.execute("INSERT INTO entries VALUES (1)")
                    }
                }
                let ids = try await pool.query("SELECT id FROM entries ORDER BY id").map { try $0.decode(Int.self, "id") }
                #expect(ids == [1])
            }
        }

        @Test func rollsBackWhenCancelled() async throws {
            try await TestDatabase.withSchema { pool, _ in
                try await pool.execute("CREATE TABLE entries (id int PRIMARY KEY)")
                let (inserted, insertedContinuation) = AsyncStream.makeStream(of: Void.self)
                let task = Task {
                    try await pool.withTransaction { tx in
                        try await tx.execute("INSERT INTO entries VALUES (1)")
                        insertedContinuation.yield()
                        _ = try await tx.query("SELECT pg_sleep(30)")
                    }
                }
                _ = await inserted.first { _ in true }
                let start = ContinuousClock.now
                task.cancel()
                await #expect(throws: (any Error).self) { try await task.value }
                #expect(ContinuousClock.now - start < .seconds(10))
                #expect(try await pool.query("SELECT count(*) AS n FROM entries")[0].decode(Int.self, "n") == 0)
            }
        }

        @Test func retriesASerializationFailure() async throws {
            let metrics = TestMetrics()
            try await TestDatabase.withSchema(metricsFactory: metrics) { pool, _ in
                try await pool.execute("CREATE TABLE duty (doctor text, on_call bool)")
                try await pool.execute("INSERT INTO duty VALUES ('alice', true), ('bob', true)")
                let attempts = Counter()
                let (aRead, aReadContinuation) = AsyncStream.makeStream(of: Void.self)
                let (bCommitted, bCommittedContinuation) = AsyncStream.makeStream(of: Void.self)

                // A: reads who is on call, waits until B has committed, then writes: write skew.
                async let first: Int = pool.withTransaction(isolationLevel: .serializable) { tx in
                    let attempt = await attempts.increment()
                    let onCall = try await tx.query("SELECT count(*) AS n FROM duty WHERE on_call")[0].decode(Int.self, "n")
                    if attempt == 1 {
                        aReadContinuation.yield()
                        _ = await bCommitted.first { _ in true }
                    }
                    if onCall > 1 {
                        try await tx.execute("UPDATE duty SET on_call = false WHERE doctor = 'alice'")
                    }
                    return tx.attempt
                }
                _ = await aRead.first { _ in true }
                try await pool.withTransaction(isolationLevel: .serializable, maxAttempts: 1) { tx in
                    let onCall = try await tx.query("SELECT count(*) AS n FROM duty WHERE on_call")[0].decode(Int.self, "n")
                    if onCall > 1 {
                        try await tx.execute("UPDATE duty SET on_call = false WHERE doctor = 'bob'")
                    }
                }
                bCommittedContinuation.yield()
                let finalAttempt = try await first

                #expect(finalAttempt == 2)
                #expect(await attempts.value == 2)
                let onCall = try await pool.query("SELECT doctor FROM duty WHERE on_call").map { try $0.decode(String.self, "doctor") }
                #expect(onCall == ["alice"])
                #expect(try metrics.expectCounter("conveyor_db_transaction_retries_total").totalValue == 1)
            }
        }

        @Test func givesUpAfterMaxAttempts() async throws {
            try await TestDatabase.withSchema { pool, _ in
                let attempts = Counter()
                do {
                    try await pool.withTransaction(maxAttempts: 3) { _ in
                        await attempts.increment()
                        throw PostgresError(kind: .server, message: "could not serialize access", sqlState: "40001")
                    }
                    Issue.record("expected the serialization failure to be thrown")
                } catch let error as PostgresError {
                    #expect(error.isSerializationFailure)
                }
                #expect(await attempts.value == 3)
            }
        }

        @Test func notifyIsDeliveredOnCommitOnly() async throws {
            try await TestDatabase.withSchema { pool, configuration in
                let channel = "tx_\(UUID().uuidString.prefix(8).lowercased())"
                let listener = PostgresListener(configuration: configuration, channels: [channel], logger: TestDatabase.logger)
                let recorder = EventRecorder(listener: listener)
                let run = Task { try await listener.run() }
                defer { run.cancel() }
                #expect(await recorder.waitFor(within: .seconds(10)) { $0.contains(.connected) })
                await #expect(throws: Rollback.self) {
                    try await pool.withTransaction { tx in
                        try await tx.notify(channel: channel, payload: "rolled back")
                        throw Rollback()
                    }
                }
                try await pool.withTransaction { tx in try await tx.notify(channel: channel, payload: "committed") }
                #expect(await recorder.waitFor(within: .seconds(10)) { $0.contains { $0.payload == "committed" } })
                #expect(await !recorder.events.contains { $0.payload == "rolled back" })
            }
        }
    }
}

/// A counter shared between concurrent closures in tests.
actor Counter {
    private(set) var value = 0

    @discardableResult
    func increment() -> Int {
        value += 1
        return value
    }
}
