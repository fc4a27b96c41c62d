import Foundation
import Storage
import Testing

extension IntegrationTests {
    @Suite struct PostgresListenerIntegrationTests {
        @Test func deliversNotificationsOnEveryChannel() async throws {
            try await TestDatabase.withSchema { pool, configuration in
                let suffix = UUID().uuidString.prefix(8).lowercased()
                let channels = ["orders_\(suffix)", "Outbox \(suffix)"]
                let listener = PostgresListener(configuration: configuration, channels: channels, logger: TestDatabase.logger)
                let recorder = EventRecorder(listener: listener)
                let run = Task { try await listener.run() }
                #expect(await recorder.waitFor(within: .seconds(10)) { $0.first == .connected })

                try await pool.notify(channel: channels[0], payload: "one")
                try await pool.notify(channel: channels[1], payload: "two")
                try await pool.notify(channel: "not_listened_\(suffix)", payload: "ignored")
                #expect(await recorder.waitFor(within: .seconds(10)) { $0.compactMap(\.payload) == ["one", "two"] })
                let notifications = await recorder.events.compactMap { event -> PostgresNotification? in
                    if case .notification(let notification) = event { notification } else { nil }
                }
                #expect(notifications.map(\.channel) == channels)
                #expect(notifications.allSatisfy { $0.processID > 0 })

                run.cancel()
                let start = ContinuousClock.now
                try await run.value
                #expect(ContinuousClock.now - start < .seconds(5))
            }
        }

        @Test func aNotificationThatDoesNotWaitForTheFlushArrivesAndLeavesSynchronousCommitOn() async throws {
            try await TestDatabase.withSchema(maxConnections: 1) { pool, configuration in
                let channel = "prompt_\(UUID().uuidString.prefix(8).lowercased())"
                let listener = PostgresListener(configuration: configuration, channels: [channel], logger: TestDatabase.logger)
                let recorder = EventRecorder(listener: listener)
                let run = Task { try await listener.run() }
                #expect(await recorder.waitFor(within: .seconds(10)) { $0.first == .connected })

                try await pool.notifyWithoutFlushWait(channel: channel, payload: "wake up")
                #expect(await recorder.waitFor(within: .seconds(10)) { $0.compactMap(\.payload) == ["wake up"] })
                // The pool's one connection: the setting was the notifying transaction's alone.
                let setting = try await pool.query("SELECT current_setting('synchronous_commit') AS value")
                #expect(try setting.first?.decode(String.self, "value") == "on")

                run.cancel()
                try await run.value
            }
        }
    }
}
