import Foundation
import Testing
import TestSupport

/// An operator follows one order through all four services: the counters of every step move
/// on `/metrics`, and its order id and trace id are in every service's logs.
extension EndToEnd {
    @Suite struct ObservabilityTests {
        @Test func aDeadLetteredOrderShowsInEveryServicesMetricsAndLogs() async throws {
            var options = Pipeline.Options(failureInjection: true, retryDelays: "200ms,400ms")
            options.extra["dlq-replayer"] = ["DLQ_COUNT_INTERVAL": "1s"]
            let pipeline = try await Pipeline.start(options: options)
            do {
                let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
                let traceparent = "00-\(traceID)-00f067aa0ba902b7-01"
                let id = try await pipeline.createOrder(items: #"[{"sku":"FAIL-ME","qty":1}]"#, headers: ["traceparent": traceparent])
                let orderID = id.uuidString.lowercased()

                // Five attempts: retried through both tiers, then dead-lettered and recorded.
                let recorded = await TestStack.eventually(within: .seconds(60)) {
                    let samples = try? await PrometheusSamples.scrape(pipeline.metricsURL("dlq-replayer"))
                    return samples?.value(
                        "conveyor_dead_letters_recorded_total", ["queue": "order-processor.dlq", "reason": "injected-failure"]) == 1
                        && samples?.value("conveyor_dead_letters_waiting", ["queue": "order-processor.dlq"]) ?? 0 >= 1
                }
                #expect(recorded, "no dead letter waiting on dlq-replayer's /metrics\n\(pipeline.logs)")

                let gateway = try await PrometheusSamples.scrape(pipeline.metricsURL("api-gateway"))
                #expect(gateway.value("conveyor_http_requests_total", ["route": "/orders", "method": "POST", "status": "201"]) == 1)
                #expect((gateway.value("conveyor_http_request_duration_seconds_count", ["route": "/orders", "method": "POST"]) ?? 0) >= 1)
                #expect(gateway.names.contains("conveyor_outbox_unpublished_rows"))
                #expect(gateway.names.contains("conveyor_outbox_oldest_unpublished_age_seconds"))
                #expect(gateway.value("conveyor_amqp_connected", ["role": "publisher"]) == 1)
                // The gateway migrated the schema at start-up, over a pool of one of its own:
                // the gauge still shows the service's pool (DATABASE_POOL_SIZE, default 10).
                #expect(gateway.value("conveyor_db_pool_connections_max") == 10)

                let work = ["queue": "order-processor.work"]
                let processor = try await PrometheusSamples.scrape(pipeline.metricsURL("order-processor"))
                #expect((processor.value("conveyor_amqp_delivered_total", work) ?? 0) >= 5)
                #expect(processor.value("conveyor_messages_retried_total", work.merging(["tier": "200ms"]) { $1 }) == 1)
                #expect(processor.value("conveyor_messages_retried_total", work.merging(["tier": "400ms"]) { $1 }) == 3)
                #expect(processor.value("conveyor_messages_dead_lettered_total", work.merging(["reason": "injected-failure"]) { $1 }) == 1)
                #expect(processor.value("conveyor_messages_processed_total", work.merging(["outcome": "retry"]) { $1 }) == 4)
                #expect((processor.value("conveyor_message_handling_seconds_count", work) ?? 0) >= 5)
                // Lag is measured on first deliveries only (a retry's wait is not lag).
                #expect((processor.value("conveyor_message_lag_seconds_count", work) ?? 0) >= 1)
                #expect((processor.value("process_resident_memory_bytes") ?? 0) > 0)
                // Every service with an outbox runs a relay, and any relay may publish any row.
                let relayed = (gateway.value("conveyor_outbox_published_total") ?? 0)
                    + (processor.value("conveyor_outbox_published_total") ?? 0)
                #expect(relayed >= 1)

                let replayer = try await PrometheusSamples.scrape(pipeline.metricsURL("dlq-replayer"))
                let dlq = ["queue": "order-processor.dlq"]
                #expect(replayer.value("conveyor_dead_letters_recorded_total", dlq.merging(["reason": "injected-failure"]) { $1 }) == 1)
                // The table outlives test runs: replays are counted from what it held before.
                let replaysBefore = try #require(replayer.value("conveyor_dead_letter_replays", dlq))

                try await pipeline.stop("order-processor")
                try await pipeline.start("order-processor", environment: ["FAILURE_INJECTION": "false"])
                let replay = try await pipeline.dlqReplayer(["replay", "--order-id", orderID])
                #expect(replay.status == 0, "\(replay.process.logTail)")
                _ = try await pipeline.waitForStatus(id, "PROCESSED")
                let mails = try await pipeline.waitForMails(about: id)
                #expect(mails.first?.header("traceparent")?.contains(traceID) == true, "the e-mail carries the trace")

                let replayed = await TestStack.eventually(within: .seconds(30)) {
                    let samples = try? await PrometheusSamples.scrape(pipeline.metricsURL("dlq-replayer"))
                    return samples?.value("conveyor_dead_letter_replays", dlq) == replaysBefore + 1
                }
                #expect(replayed, "the replay does not show on dlq-replayer's /metrics")
                let processedAgain = try await PrometheusSamples.scrape(pipeline.metricsURL("order-processor"))
                #expect((processedAgain.value("conveyor_messages_processed_total", work.merging(["outcome": "done"]) { $1 }) ?? 0) >= 1)
                let notified = await TestStack.eventually(within: .seconds(30)) {
                    let samples = try? await PrometheusSamples.scrape(pipeline.metricsURL("notifier"))
                    return (samples?.value("conveyor_notifications_total", ["channel": "email", "status": "sent"]) ?? 0) >= 1
                }
                #expect(notified, "the e-mail does not show on the notifier's /metrics")

                // Every service logged the order with its trace, as JSON lines.
                for service in ["api-gateway", "order-processor", "notifier", "dlq-replayer"] {
                    let output = pipeline.services[service]?.standardOutput ?? ""
                    let lines = output.split(separator: "\n").filter { $0.contains(orderID) }
                    #expect(!lines.isEmpty, "\(service) never logged order \(orderID)")
                    let traced = lines.compactMap { line in
                        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
                    }.filter { $0["orderId"] as? String == orderID && $0["traceId"] as? String == traceID }
                    #expect(!traced.isEmpty, "\(service) logged order \(orderID) without its trace id \(traceID):\n\(lines.prefix(3).joined(separator: "\n"))")
                }
            } catch {
                await pipeline.stop()
                throw error
            }
            await pipeline.stop()
        }

        @Test func theGatewayStartsATraceWhenTheRequestHasNone() async throws {
            let pipeline = try await Pipeline.start(["api-gateway"])
            do {
                let reply = try await pipeline.post("/orders", json: #"{"customerId":"trace-less","items":[{"sku":"SKU-1","qty":1}]}"#)
                #expect(reply.status == 201)
                let header = try #require(reply.headers["traceparent"])
                #expect(header.range(of: #"^00-[0-9a-f]{32}-[0-9a-f]{16}-01$"#, options: .regularExpression) != nil, "\(header)")
                let invalid = try await pipeline.post(
                    "/orders", json: #"{"customerId":"bad-trace","items":[{"sku":"SKU-1","qty":1}]}"#, headers: ["traceparent": "nonsense"])
                #expect(invalid.status == 201)
                #expect(invalid.headers["traceparent"]?.hasPrefix("00-") == true && invalid.headers["traceparent"] != header)
            } catch {
                await pipeline.stop()
                throw error
            }
            await pipeline.stop()
        }
    }
}
