import Foundation
import Messaging
import Orders
import Storage
import Testing
import TestSupport

/// The whole pipeline with the real executables: orders go in over HTTP, are processed, e-mailed,
/// and every failure ends somewhere an operator can see it.
extension EndToEnd {
    @Suite struct PipelineTests {
        @Test func anOrderIsProcessedAndTheCustomerEmailed() async throws {
            let pipeline = try await Pipeline.start()
            do {
                let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
                let id = try await pipeline.createOrder(
                    items: #"[{"sku":"SKU-1","qty":2},{"sku":"SKU-2","qty":1}]"#, headers: ["traceparent": traceparent])
                let order = try await pipeline.waitForStatus(id, "PROCESSED")
                let steps = (order["history"] as? [[String: Any]] ?? []).compactMap { $0["step"] as? String }
                #expect(steps == ["created", "started", "inventory_reserved", "payment_captured", "fulfilled", "processed"])
                // The gateway records itself; the processor records which replica it was.
                let actors = (order["history"] as? [[String: Any]] ?? []).compactMap { $0["actor"] as? String }
                #expect(actors.first == "api-gateway")
                #expect(actors.dropFirst().allSatisfy { $0.hasPrefix("order-processor@") && $0.count > "order-processor@".count })
                #expect((order["items"] as? [[String: Any]])?.count == 2)

                let mails = try await pipeline.waitForMails(about: id)
                #expect(mails.count == 1)
                let mail = try #require(mails.first)
                #expect(mail.header("Subject") == "Order \(id.uuidString.lowercased()): PROCESSED")
                #expect(mail.header("To")?.contains("ada@example.com") == true)
                #expect(mail.header("traceparent") == traceparent)
                let body = String(decoding: ParsedMail.decodeQuotedPrintable(mail.body), as: UTF8.self)
                #expect(body.contains("SKU-1"))
                #expect(body.contains("Total:"))

                let recorded = try await pipeline.waitForStatus(id, "PROCESSED")
                let notifications = try #require(recorded["notifications"] as? [[String: Any]])
                let sent = await TestStack.eventually(within: .seconds(10)) {
                    let current = (try? await pipeline.order(id))?["notifications"] as? [[String: Any]]
                    return current?.first?["status"] as? String == "sent"
                }
                #expect(sent, "notification not recorded as sent: \(notifications)")
            } catch {
                await pipeline.stop()
                throw error
            }
            await pipeline.stop()
        }

        @Test func anOrderForStockThatIsNotThereFailsAndTheCustomerIsTold() async throws {
            let pipeline = try await Pipeline.start()
            do {
                let id = try await pipeline.createOrder(items: #"[{"sku":"SKU-1","qty":1},{"sku":"SKU-OOS","qty":1}]"#)
                let order = try await pipeline.waitForStatus(id, "FAILED")
                #expect(order["failureReason"] as? String == "out_of_stock")
                let mail = try #require(try await pipeline.waitForMails(about: id).first)
                #expect(mail.header("Subject") == "Order \(id.uuidString.lowercased()): FAILED")
                let reserved = try await pipeline.database.query("SELECT count(*)::int8 AS n FROM reservations WHERE order_id = $1", [id])
                #expect(try reserved[0].decode(Int64.self, "n") == 0)
            } catch {
                await pipeline.stop()
                throw error
            }
            await pipeline.stop()
        }

        @Test func aDeclinedPaymentFailsTheOrderAndReleasesItsStock() async throws {
            var options = Pipeline.Options()
            options.extra["order-processor"] = ["PAYMENT_DECLINED_CUSTOMERS": "declined-customer"]
            let pipeline = try await Pipeline.start(options: options)
            do {
                let before = try await pipeline.database.query("SELECT available FROM inventory WHERE sku = 'SKU-5'")[0].decode(Int.self, "available")
                let reply = try await pipeline.post(
                    "/orders", json: #"{"customerId":"declined-customer","customerEmail":"d@example.com","items":[{"sku":"SKU-5","qty":3}]}"#)
                let id = try #require(UUID(uuidString: try reply.object()["orderId"] as? String ?? ""))
                let order = try await pipeline.waitForStatus(id, "FAILED")
                #expect(order["failureReason"] as? String == "payment_declined")
                let steps = (order["history"] as? [[String: Any]] ?? []).compactMap { $0["step"] as? String }
                #expect(steps == ["created", "started", "inventory_reserved", "inventory_released", "payment_declined"])
                let after = try await pipeline.database.query("SELECT available FROM inventory WHERE sku = 'SKU-5'")[0].decode(Int.self, "available")
                #expect(after == before)
                let reservation = try await pipeline.database.query("SELECT status FROM reservations WHERE order_id = $1", [id])
                #expect(try reservation.first?.decode(String.self, "status") == "released")
                let mail = try #require(try await pipeline.waitForMails(about: id).first)
                #expect(mail.header("Subject") == "Order \(id.uuidString.lowercased()): FAILED")
            } catch {
                await pipeline.stop()
                throw error
            }
            await pipeline.stop()
        }

        @Test func anOrderCancelledBeforeProcessingIsSkippedAndTheCustomerIsTold() async throws {
            let pipeline = try await Pipeline.start(["api-gateway", "notifier"])
            do {
                let id = try await pipeline.createOrder()
                let cancel = try await pipeline.post("/orders/\(id.uuidString.lowercased())/cancel", json: "")
                #expect(cancel.status == 200, "\(cancel.text)")
                #expect((try? cancel.object())?["status"] as? String == "CANCELLED")

                let again = try await pipeline.post("/orders/\(id.uuidString.lowercased())/cancel", json: "")
                #expect(again.status == 409)
                #expect((try? again.object())?["currentStatus"] as? String == "CANCELLED")

                try await pipeline.start("order-processor")
                let skipped = await TestStack.eventually(within: .seconds(60)) {
                    let history = (try? await pipeline.order(id))?["history"] as? [[String: Any]]
                    return history?.contains { $0["step"] as? String == "skipped" } == true
                }
                #expect(skipped, "the processor did not record skipping the cancelled order\n\(pipeline.logs)")
                let order = try await pipeline.order(id)
                #expect(order["status"] as? String == "CANCELLED")
                let mail = try #require(try await pipeline.waitForMails(about: id).first)
                #expect(mail.header("Subject") == "Order \(id.uuidString.lowercased()): CANCELLED")
            } catch {
                await pipeline.stop()
                throw error
            }
            await pipeline.stop()
        }

        @Test func aMalformedMessageGoesToTheDeadLetterQueueAndHarmsNothing() async throws {
            let pipeline = try await Pipeline.start()
            do {
                let publisher = Publisher(
                    configuration: try AMQPConfiguration(url: try pipeline.stack.require("CONVEYOR_TEST_AMQP_URL")),
                    connectionName: "e2e publisher", logger: .init(label: "e2e"))
                let running = Task { try await publisher.run() }
                defer { running.cancel() }
                let marker = UUID().uuidString
                try await publisher.publish(
                    Message(body: Array("this is not an event \(marker)".utf8), messageID: marker, contentType: "text/plain"),
                    exchange: "conveyor.events", routingKey: "order.created")

                let parked = await TestStack.eventually(within: .seconds(60)) {
                    let rows = try? await pipeline.database.query(
                        "SELECT reason FROM dead_letters WHERE message_id = $1", [marker])
                    return (try? rows?.first?.decode(String.self, "reason")) == "malformed"
                }
                #expect(parked, "the malformed message is not recorded as a dead letter\n\(pipeline.logs)")
                for service in ["api-gateway"] + Pipeline.workers {
                    #expect(try await HTTPProbe.get(pipeline.readyURL(service)).status == 200, "\(service) is not ready")
                }
                let id = try await pipeline.createOrder()
                _ = try await pipeline.waitForStatus(id, "PROCESSED")
            } catch {
                await pipeline.stop()
                throw error
            }
            await pipeline.stop()
        }

        @Test func theSameEventDeliveredTwiceReservesAndEmailsOnce() async throws {
            let pipeline = try await Pipeline.start(["api-gateway", "notifier"])
            let publisher = Publisher(
                configuration: try AMQPConfiguration(url: try pipeline.stack.require("CONVEYOR_TEST_AMQP_URL")),
                connectionName: "e2e publisher", logger: .init(label: "e2e"))
            let running = Task { try await publisher.run() }
            defer { running.cancel() }
            do {
                let id = try await pipeline.createOrder()
                // The relay published order.created once; publish the very same event again
                // before the processor runs, so both copies wait in its queue.
                let created = try await republish(.orderCreated, of: id, with: publisher, pipeline: pipeline)
                try await pipeline.start("order-processor")
                _ = try await pipeline.waitForStatus(id, "PROCESSED")
                let duplicateSeen = await TestStack.eventually(within: .seconds(30)) {
                    pipeline.services["order-processor"]?.standardOutput.contains(#""result":"duplicate""#) == true
                }
                #expect(duplicateSeen, "the processor did not report the second copy of \(created) as a duplicate\n\(pipeline.logs)")

                // The same for the e-mail: deliver order.processed a second time.
                _ = try await pipeline.waitForMails(about: id)
                let processed = try await republish(.orderProcessed, of: id, with: publisher, pipeline: pipeline)
                let alreadySent = await TestStack.eventually(within: .seconds(30)) {
                    pipeline.services["notifier"]?.standardOutput.contains(#""result":"alreadySent""#) == true
                }
                #expect(alreadySent, "the notifier did not recognise \(processed) as sent\n\(pipeline.logs)")

                let reservations = try await pipeline.database.query(
                    "SELECT count(*)::int8 AS n FROM reservations WHERE order_id = $1", [id])
                #expect(try reservations[0].decode(Int64.self, "n") == 1)
                let history = try await pipeline.order(id)["history"] as? [[String: Any]] ?? []
                #expect(history.filter { $0["step"] as? String == "inventory_reserved" }.count == 1)
                #expect(try pipeline.mails(about: id).count == 1)
            } catch {
                await pipeline.stop()
                throw error
            }
            await pipeline.stop()
        }

        /// Publishes the outbox's copy of the order's `type` event once more; returns its event id.
        private func republish(_ type: EventType, of id: UUID, with publisher: Publisher, pipeline: Pipeline) async throws -> UUID {
            var row: PostgresRow?
            let found = await TestStack.eventually(within: .seconds(30)) {
                row = try? await pipeline.database.query(
                    "SELECT event_id, envelope::text AS envelope FROM outbox WHERE envelope->>'subject' = $1 AND routing_key = $2",
                    [id.uuidString.lowercased(), type.routingKey]
                ).first
                return row != nil
            }
            guard found, let row else { throw EndToEndError("no \(type.rawValue) event of \(id) in the outbox") }
            let eventID = try row.decode(UUID.self, "event_id")
            try await publisher.publish(
                Message(
                    body: Array(try row.decode(String.self, "envelope").utf8), messageID: eventID.uuidString.lowercased(),
                    type: type.rawValue, contentType: "application/cloudevents+json"),
                exchange: "conveyor.events", routingKey: type.routingKey)
            return eventID
        }
    }
}

/// Every end-to-end suite starts the real services against the same queues, so they run one
/// at a time.
@Suite(.serialized) struct EndToEnd {}
