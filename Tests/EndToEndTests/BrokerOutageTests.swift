import Foundation
import Storage
import Testing
import TestSupport

/// RabbitMQ stopped while orders are posted: the API keeps accepting them (they wait in the
/// outbox), and once the broker is back every one of them is processed and e-mailed.
extension EndToEnd {
    @Suite struct BrokerOutageTests {
        @Test func ordersPostedWhileTheBrokerIsDownAreAllProcessedWhenItReturns() async throws {
            let pipeline = try await Pipeline.start()
            var brokerStopped = false
            do {
                try await TestStack.run("stop-broker")
                brokerStopped = true
                var ids: [UUID] = []
                for index in 0..<20 {
                    ids.append(try await pipeline.createOrder(email: "outage-\(index)@example.com"))
                }
                let pending = try await pipeline.database.query(
                    "SELECT count(*)::int8 AS n FROM outbox WHERE published_at IS NULL AND envelope->>'subject' = ANY($1)",
                    [PostgresArray(ids.map { $0.uuidString.lowercased() })])
                #expect(try pending[0].decode(Int64.self, "n") == 20, "the events should wait in the outbox")

                try await TestStack.run("start-broker")
                brokerStopped = false
                for id in ids {
                    _ = try await pipeline.waitForStatus(id, "PROCESSED", timeout: .seconds(120))
                    let mails = try await pipeline.waitForMails(about: id, timeout: .seconds(60))
                    #expect(mails.count == 1)
                }
                for service in ["api-gateway"] + Pipeline.workers {
                    let ready = await TestStack.eventually(within: .seconds(60)) {
                        (try? await HTTPProbe.get(pipeline.readyURL(service)).status) == 200
                    }
                    #expect(ready, "\(service) is not ready after the broker returned")
                }
            } catch {
                if brokerStopped { try? await TestStack.run("start-broker") }
                await pipeline.stop()
                throw error
            }
            await pipeline.stop()
        }
    }
}
