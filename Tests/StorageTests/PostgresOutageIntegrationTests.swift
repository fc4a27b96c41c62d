import ConveyorRuntime
import Foundation
import Storage
import Testing

extension IntegrationTests {
    @Suite struct PostgresOutageIntegrationTests {
        @Test func callsFailFastWhileTheDatabaseIsDownAndThePoolRecovers() async throws {
            try await TestDatabase.withSchema(maxConnections: 3) { pool, _ in
                // Warm the pool so it holds connections the stop will break.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<3 { group.addTask { _ = try await pool.query("SELECT pg_sleep(0.05)") } }
                    try await group.waitForAll()
                }

                try await TestDatabase.stack("stop-db")
                do {
                    for call in 0..<10 {
                        let start = ContinuousClock.now
                        do {
                            _ = try await pool.query("SELECT 1")
                            Issue.record("call \(call) succeeded while the database is stopped")
                        } catch let error as PostgresError {
                            #expect(error.isConnectionFailure, "call \(call): \(error)")
                            if call > 0 { #expect(error.isUnavailable, "call \(call): \(error)") }
                        }
                        // A correctness bound for failing fast, not a benchmark.
                        #expect(ContinuousClock.now - start < .seconds(2), "call \(call) did not fail fast")
                    }
                    #expect(await pool.isUnavailable)
                } catch {
                    try await TestDatabase.stack("start-db")
                    throw error
                }
                try await TestDatabase.stack("start-db")

                let recovered = await TestDatabase.eventually(within: .seconds(60)) {
                    (try? await pool.query("SELECT 1 AS one")) != nil
                }
                #expect(recovered)
                #expect(await !pool.isUnavailable)
                let values = try await withThrowingTaskGroup(of: Int.self) { group in
                    for value in 0..<10 {
                        group.addTask { try await pool.query("SELECT $1::int8 AS v", [value])[0].decode(Int.self, "v") }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(values.sorted() == Array(0..<10))
            }
        }

        @Test func reconnectsAfterADatabaseRestartAndSaysSo() async throws {
            try await TestDatabase.withSchema { pool, configuration in
                let channel = "restart_\(UUID().uuidString.prefix(8).lowercased())"
                let listener = PostgresListener(
                    configuration: configuration,
                    channels: [channel],
                    reconnectBackoff: Backoff(initial: .milliseconds(100), maximum: .seconds(1)),
                    logger: TestDatabase.logger
                )
                let recorder = EventRecorder(listener: listener)
                let run = Task { try await listener.run() }
                defer { run.cancel() }
                #expect(await recorder.waitFor(within: .seconds(10)) { $0 == [.connected] })
                try await pool.notify(channel: channel, payload: "before")
                #expect(await recorder.waitFor(within: .seconds(10)) { $0.contains { $0.payload == "before" } })

                try await TestDatabase.stack("restart-db")

                #expect(await recorder.waitFor(within: .seconds(60)) { $0.contains(.reconnected) })
                let sent = await TestDatabase.eventually(within: .seconds(60)) {
                    (try? await pool.notify(channel: channel, payload: "after")) != nil
                }
                #expect(sent)
                #expect(await recorder.waitFor(within: .seconds(10)) { $0.contains { $0.payload == "after" } })
            }
        }
    }
}
