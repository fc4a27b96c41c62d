import ConveyorRuntime
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
