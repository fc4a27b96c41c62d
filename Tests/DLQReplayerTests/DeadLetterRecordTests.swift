import Foundation
import Messaging
import Storage
import Testing

@testable import DLQReplayer

@Suite struct DeadLetterRecordTests {
    static let eventID = UUID()
    static let orderID = UUID()
    static let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    /// A copy as the order-processor's DeliveryProcessor dead-letters it after its last attempt.
    static var conveyorCopy: Message {
        Message(
            body: Array(#"{"specversion":"1.0","id":"\#(eventID.uuidString.lowercased())","type":"order.created"}"#.utf8),
            messageID: eventID.uuidString.lowercased(), type: "order.created", contentType: "application/cloudevents+json",
            correlationID: orderID.uuidString.lowercased(), timestamp: Date(timeIntervalSince1970: 1_777_636_000),
            headers: [
                ConveyorHeader.attempt: 5, ConveyorHeader.failureReason: "injected-failure",
                ConveyorHeader.failureDetail: "sku FAIL-ME", ConveyorHeader.failedAt: "2026-05-01T12:00:00.125Z",
                ConveyorHeader.originQueue: "order-processor.work", ConveyorHeader.originRoutingKey: "order.created",
                ConveyorHeader.replayCount: 1, ConveyorHeader.traceparent: .string(traceparent), "x-delivery-count": 2,
            ])
    }

    @Test func aConveyorDeadLetterIsIndexedByItsFailureHeaders() throws {
        let record = DeadLetterRecord(
            message: Self.conveyorCopy, queue: "order-processor.dlq", exchange: "conveyor.dlx", routingKey: "order-processor.dlq")
        #expect(record.eventID == Self.eventID)
        #expect(record.orderID == Self.orderID)
        #expect(record.eventType == "order.created")
        #expect(record.originQueue == "order-processor.work")
        #expect(record.originRoutingKey == "order.created")
        #expect(record.reason == "injected-failure")
        #expect(record.detail == "sku FAIL-ME")
        #expect(record.attempts == 5)
        let failedAt = try #require(record.failedAt)
        #expect(abs(failedAt.timeIntervalSince1970 - 1_777_636_800.125) < 0.001)
        #expect(record.properties.exchange == "conveyor.dlx")
        #expect(record.properties.timestamp == 1_777_636_000)
    }

    @Test func aBrokerDeadLetterTakesItsReasonFromTheLatestDeath() {
        let envelope = #"{"id":"\#(Self.eventID.uuidString)","subject":"\#(Self.orderID.uuidString)","type":"order.created"}"#
        let message = Message(
            body: Array(envelope.utf8),
            headers: [
                "x-first-death-queue": "order-processor.retry.1s", "x-first-death-reason": "expired",
                "x-delivery-count": 20,
                "x-death": .array([
                    .table(["queue": "order-processor.work", "reason": "delivery_limit", "count": 1, "routing-keys": .array(["order.created"])]),
                    .table(["queue": "order-processor.retry.1s", "reason": "expired", "count": 1, "routing-keys": .array(["order-processor.retry.1s"])]),
                ]),
            ])
        let record = DeadLetterRecord(message: message, queue: "order-processor.dlq", exchange: "conveyor.dlx", routingKey: "order-processor.dlq")
        #expect(record.reason == "delivery_limit")
        #expect(record.originQueue == "order-processor.work")
        #expect(record.originRoutingKey == "order.created")
        #expect(record.eventType == "order.created")
        #expect(record.eventID == Self.eventID)
        #expect(record.orderID == Self.orderID)
        #expect(record.attempts == 20)
        #expect(record.failedAt == nil)
    }

    @Test func aMessageWithNoFailureHeadersIsUnknown() {
        let record = DeadLetterRecord(
            message: Message(body: Array("not json".utf8), messageID: "not-a-uuid"), queue: "notifier.dlq", exchange: "",
            routingKey: "notifier.dlq")
        #expect(record.reason == DeadLetterRecord.unknownReason)
        #expect(record.eventID == nil)
        #expect(record.messageID == "not-a-uuid")
        #expect(record.attempts == 0)
    }

    @Test func aReplayStartsAgainAtAttemptOneAndCountsTheReplay() throws {
        let record = DeadLetterRecord(
            message: Self.conveyorCopy, queue: "order-processor.dlq", exchange: "conveyor.dlx", routingKey: "order-processor.dlq")
        let replayed = try Self.stored(record, replayCount: 0).replayMessage()
        let original = Self.conveyorCopy
        #expect(replayed.body == original.body)
        #expect(replayed.messageID == original.messageID)
        #expect(replayed.type == original.type)
        #expect(replayed.correlationID == original.correlationID)
        #expect(replayed.contentType == original.contentType)
        #expect(replayed.timestamp == original.timestamp)
        #expect(replayed.headers == [
            ConveyorHeader.originRoutingKey: "order.created", ConveyorHeader.traceparent: .string(Self.traceparent),
            ConveyorHeader.replayCount: 2,
        ])
        #expect(RetryPolicy.attempt(of: replayed) == 1)
    }

    @Test func aBrokerDeadLetterIsReplayedWithItsRoutingKeyRestored() throws {
        let message = Message(
            body: Array("{}".utf8), messageID: Self.eventID.uuidString, expiration: "60000",
            headers: ["x-death": .array([.table(["queue": "notifier.work", "reason": "delivery_limit", "routing-keys": .array(["order.processed"])])])])
        let record = DeadLetterRecord(message: message, queue: "notifier.dlq", exchange: "conveyor.dlx", routingKey: "notifier.dlq")
        let replayed = try Self.stored(record, replayCount: 3).replayMessage()
        #expect(replayed.headers == [ConveyorHeader.originRoutingKey: "order.processed", ConveyorHeader.replayCount: 4])
        #expect(replayed.expiration == nil)
    }

    /// The row `serve` would store for `record`.
    static func stored(_ record: DeadLetterRecord, replayCount: Int) throws -> DeadLetter {
        DeadLetter(
            id: 1, eventID: record.eventID, messageID: record.messageID, orderID: record.orderID, eventType: record.eventType,
            queue: record.queue, originQueue: record.originQueue, originRoutingKey: record.originRoutingKey, reason: record.reason,
            detail: record.detail, attempts: record.attempts, failedAt: record.failedAt ?? Date(),
            headers: try HeaderJSON.encode(record.headers), properties: try PostgresJSON(encoding: record.properties),
            body: record.body, status: .waiting, replayCount: replayCount, lastReplayedAt: nil)
    }
}
