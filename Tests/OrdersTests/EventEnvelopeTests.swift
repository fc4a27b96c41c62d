import Foundation
import Orders
import Testing

@Suite struct EventEnvelopeTests {
    private let data = OrderEventData(
        orderId: UUID(uuidString: "5B4D3A47-7E0F-4E55-9D6B-4B7C1C1A2B3C")!,
        status: .pending,
        customer: Customer(id: "cust-123", name: "Ada", email: "ada@example.com"),
        items: [LineItem(sku: "SKU-1", name: "Mug", quantity: 2, unitPrice: Money(minorUnits: 1250, currency: .usd))],
        total: Money(minorUnits: 2500, currency: .usd)
    )

    @Test func roundTripsThroughJSON() throws {
        let event = OrderEvent(
            type: .orderCreated, source: "api-gateway", time: Date(timeIntervalSince1970: 1_800_000_000.123),
            traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", data: data)
        let decoded = try OrderEvent.decode(from: event.encoded())
        #expect(decoded.id == event.id)
        #expect(decoded.eventType == .orderCreated)
        #expect(decoded.subject == "5b4d3a47-7e0f-4e55-9d6b-4b7c1c1a2b3c")
        #expect(decoded.data == data)
        #expect(decoded.traceparent == event.traceparent)
        #expect(abs(decoded.time.timeIntervalSince(event.time)) < 0.001)
    }

    @Test func writesTheCloudEventsAttributes() throws {
        let event = OrderEvent(type: .orderProcessed, source: "order-processor", data: data)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(event.encoded())) as? [String: Any])
        #expect(json["specversion"] as? String == "1.0")
        #expect(json["type"] as? String == "order.processed")
        #expect(json["source"] as? String == "order-processor")
        #expect(json["datacontenttype"] as? String == "application/json")
        #expect((json["time"] as? String)?.hasSuffix("Z") == true)
        let total = try #require((json["data"] as? [String: Any])?["total"] as? [String: Any])
        #expect(total["minorUnits"] as? Int == 2500)
        #expect(total["currency"] as? String == "USD")
    }

    @Test(arguments: [
        #"{"specversion":"0.3","id":"5B4D3A47-7E0F-4E55-9D6B-4B7C1C1A2B3C","type":"order.created","source":"x","time":"2026-01-01T00:00:00Z","data":{}}"#,
        #"{"specversion":"1.0","id":"nope","type":"order.created","source":"x","time":"2026-01-01T00:00:00Z","data":{}}"#,
        #"{"specversion":"1.0","id":"5B4D3A47-7E0F-4E55-9D6B-4B7C1C1A2B3C","type":"order.created","source":"x","time":"yesterday","data":{}}"#,
        #"{"specversion":"1.0","id":"5B4D3A47-7E0F-4E55-9D6B-4B7C1C1A2B3C","type":"order.created","source":"x","time":"2026-01-01T00:00:00Z","data":{"orderId":"5B4D3A47-7E0F-4E55-9D6B-4B7C1C1A2B3C"}}"#,
        #"{"specversion":"1.0","id":"5B4D3A47-7E0F-4E55-9D6B-4B7C1C1A2B3C","type":"order.created","source":"x","time":"2026-01-01T00:00:00Z","datacontenttype":"text/xml","data":{}}"#,
        "not json at all",
    ])
    func rejectsInvalidEvents(json: String) {
        #expect(throws: (any Error).self) { try OrderEvent.decode(from: Array(json.utf8)) }
    }

    @Test func routingKeysAreTheEventTypes() {
        #expect(EventType.allCases.map(\.routingKey) == ["order.created", "order.processed", "order.failed", "order.cancelled"])
    }
}
