import Foundation
import Testing

@testable import Messaging

@Suite struct FailureCopyTests {
    struct NoConnection: DeliverySettler {
        func settle(deliveryTag: UInt64, generation: UInt64, as settlement: DeliverySettlement) async -> Bool { false }
    }

    func delivery(routingKey: String, headers: [String: HeaderValue]) -> Delivery {
        Delivery(
            message: Message(body: Array("{}".utf8), messageID: "e-1", type: "order.created", headers: headers),
            exchange: "conveyor.events", routingKey: routingKey, redelivered: false, deliveryTag: 7,
            queue: "order-processor.work", generation: 1, settler: NoConnection()
        )
    }

    @Test func firstFailureRecordsTheOrigin() {
        let original = delivery(routingKey: "order.created", headers: ["traceparent": "00-a-b-01", ConveyorHeader.replayCount: 2])
        let failedAt = Date(timeIntervalSince1970: 1_700_000_000)
        let copy = original.failureCopy(attempt: 2, reason: "db", detail: "timeout", failedAt: failedAt)
        #expect(copy.body == original.message.body)
        #expect(copy.messageID == "e-1")
        #expect(copy.type == "order.created")
        #expect(copy.headers == [
            "traceparent": "00-a-b-01",
            ConveyorHeader.replayCount: 2,
            ConveyorHeader.attempt: 2,
            ConveyorHeader.failureReason: "db",
            ConveyorHeader.failureDetail: "timeout",
            ConveyorHeader.failedAt: "2023-11-14T22:13:20Z",
            ConveyorHeader.originQueue: "order-processor.work",
            ConveyorHeader.originRoutingKey: "order.created",
        ])
    }

    @Test func laterFailuresKeepTheOriginalRoutingKeyAndDropBrokerHeaders() {
        let retried = delivery(
            routingKey: "order-processor.work",
            headers: [
                ConveyorHeader.attempt: 2,
                ConveyorHeader.originRoutingKey: "order.created",
                ConveyorHeader.originQueue: "order-processor.work",
                "x-death": .array([.table(["count": 1])]),
                "x-delivery-count": 1,
            ]
        )
        #expect(retried.eventRoutingKey == "order.created")
        #expect(retried.attempt == 2)
        let copy = retried.failureCopy(attempt: 3, reason: "db", detail: String(repeating: "x", count: 5000))
        #expect(copy.headers[ConveyorHeader.originRoutingKey] == "order.created")
        #expect(copy.headers[ConveyorHeader.attempt] == 3)
        #expect(copy.headers["x-death"] == nil)
        #expect(copy.headers["x-delivery-count"] == nil)
        #expect(copy.headers[ConveyorHeader.failureDetail]?.stringValue?.count == Delivery.maximumFailureDetailLength)
    }
}
