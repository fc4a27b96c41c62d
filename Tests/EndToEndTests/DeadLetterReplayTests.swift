import Foundation
import Storage
import Testing
import TestSupport

/// A message that fails every attempt ends in `dead_letters`, an operator sees it with
/// `dlq-replayer list`, fixes the cause and replays it, and the order is processed.
extension EndToEnd {
    @Suite struct DeadLetterReplayTests {
        @Test func aDeadLetteredOrderIsListedReplayedAndProcessed() async throws {
            let pipeline = try await Pipeline.start(options: .init(failureInjection: true, retryDelays: "200ms,400ms"))
            do {
                let id = try await pipeline.createOrder(items: #"[{"sku":"FAIL-ME","qty":1}]"#)
                let orderID = id.uuidString.lowercased()

                var stored: (reason: String, attempts: Int)?
                let parked = await TestStack.eventually(within: .seconds(60)) {
                    let row = try? await pipeline.database.query(
                        "SELECT reason, attempts FROM dead_letters WHERE order_id = $1 AND status = 'waiting'", [id]
                    ).first
                    stored = row.flatMap { try? ($0.decode(String.self, "reason"), $0.decode(Int.self, "attempts")) }
                    return stored != nil
                }
                #expect(parked, "the order's message is not recorded as a dead letter\n\(pipeline.logs)")
                #expect(stored?.reason == "injected-failure")
                #expect(stored?.attempts == 5)

                let list = try await pipeline.dlqReplayer(["list", "--json", "--order-id", orderID])
                #expect(list.status == 0, "\(list.process.logTail)")
                let listed = try JSONSerialization.jsonObject(with: Data(list.process.standardOutput.utf8)) as? [[String: Any]]
                #expect(listed?.count == 1, "\(list.process.standardOutput)")
                #expect(listed?.first?["reason"] as? String == "injected-failure")
                #expect(listed?.first?["orderId"] as? String == orderID)
                #expect(listed?.first?["attempts"] as? Int == 5)

                let purge = try await pipeline.dlqReplayer(["purge", "--order-id", orderID])
                #expect(purge.status == 2, "purge without --yes\n\(purge.process.logTail)")
                #expect(purge.process.standardError.contains("--yes"))
                let unfiltered = try await pipeline.dlqReplayer(["replay"])
                #expect(unfiltered.status == 2, "replay without a filter or --all\n\(unfiltered.process.logTail)")
                #expect(unfiltered.process.standardError.contains("--all"))

                try await pipeline.stop("order-processor")
                try await pipeline.start("order-processor", environment: ["FAILURE_INJECTION": "false"])
                let replay = try await pipeline.dlqReplayer(["replay", "--order-id", orderID, "--actor", "e2e"])
                #expect(replay.status == 0, "\(replay.process.logTail)")
                #expect(replay.process.standardOutput.contains("replayed 1, failed 0, skipped 0"), "\(replay.process.logTail)")

                let order = try await pipeline.waitForStatus(id, "PROCESSED")
                let processing = order["processing"] as? [String: Any]
                let entries = processing?["entries"] as? [[String: Any]]
                #expect(processing?["deadLettered"] as? Bool == false, "\(order)")
                #expect(entries?.count == 1)
                #expect(entries?.first?["status"] as? String == "replayed")
                #expect(entries?.first?["replayCount"] as? Int == 1)

                let audit = try await pipeline.database.query(
                    "SELECT action, actor, message_count, dry_run FROM dlq_replays WHERE filter->>'order_id' = $1 ORDER BY id",
                    [orderID])
                #expect(audit.count == 1)
                #expect(try audit.first?.decode(String.self, "action") == "replay")
                #expect(try audit.first?.decode(String.self, "actor") == "e2e")
                #expect(try audit.first?.decode(Int.self, "message_count") == 1)

                let again = try await pipeline.dlqReplayer(["replay", "--order-id", orderID])
                #expect(again.status == 0)
                #expect(again.process.standardOutput.contains("replayed 0, failed 0, skipped 0"), "a replayed dead letter waits no more")
            } catch {
                await pipeline.stop()
                throw error
            }
            await pipeline.stop()
        }
    }
}
