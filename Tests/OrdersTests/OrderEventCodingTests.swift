import Foundation
import Orders
import Testing

/// Order events have coding of their own; it must write and read what `Codable` does.
@Suite struct OrderEventCodingTests {
    static let events: [OrderEvent] = {
        let usd = Currency.usd
        let plain = OrderEventData(
            orderId: UUID(uuidString: "5B4D3A47-7E0F-4E55-9D6B-4B7C1C1A2B3C")!, status: .pending,
            customer: Customer(id: "cust-123"),
            items: [LineItem(sku: "SKU-1", name: "Mug", quantity: 2, unitPrice: Money(minorUnits: 1250, currency: usd))],
            total: Money(minorUnits: 2500, currency: usd))
        let awkward = OrderEventData(
            orderId: UUID(), status: .failed,
            customer: Customer(id: "c\"\\/\u{1}\u{1f}", name: "Zoë \"Z\" 中文 😀\n\t\r\u{8}\u{c}", email: "zoe@example.com"),
            items: [
                LineItem(sku: "SKU-2", name: "Tea\u{2028}pot", quantity: 1000, unitPrice: Money(minorUnits: 0, currency: .eur)),
                LineItem(sku: "FAIL-ME", name: "", quantity: 1, unitPrice: Money(minorUnits: -5, currency: .eur)),
            ],
            total: Money(minorUnits: Int64.max, currency: Currency(code: "JPY")!), reason: "out of stock: SKU-2 </script>")
        let empty = OrderEventData(
            orderId: UUID(), status: .cancelled, customer: Customer(id: "x", name: nil, email: "only@mail.example"), items: [],
            total: .zero(usd))
        return [
            OrderEvent(type: .orderCreated, source: "api-gateway", time: Date(timeIntervalSince1970: 1_800_000_000.123), data: plain),
            OrderEvent(
                type: .orderFailed, source: "order-processor", traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                data: awkward),
            OrderEvent(type: .orderCancelled, source: "api-gateway", data: empty),
        ]
    }()

    private static func codableBytes(_ event: OrderEvent) throws -> [UInt8] {
        Array(try Timestamp.jsonEncoder().encode(event))
    }

    private func expectSame(_ lhs: OrderEvent, _ rhs: OrderEvent) {
        #expect(lhs.id == rhs.id)
        #expect(lhs.type == rhs.type)
        #expect(lhs.source == rhs.source)
        #expect(lhs.time == rhs.time)
        #expect(lhs.subject == rhs.subject)
        #expect(lhs.traceparent == rhs.traceparent)
        #expect(lhs.data == rhs.data)
    }

    @Test(arguments: events)
    func writesWhatJSONEncoderWrites(_ event: OrderEvent) throws {
        let ours = event.encoded()
        let codable = try Self.codableBytes(event)
        #expect(try JSONValue.parse(ours) == JSONValue.parse(codable))
        #expect(ours == codable, "\(String(decoding: ours, as: UTF8.self))\n\(String(decoding: codable, as: UTF8.self))")
    }

    @Test(arguments: events)
    func readsWhatJSONDecoderReads(_ event: OrderEvent) throws {
        let bytes = try Self.codableBytes(event)
        let codable = try Timestamp.jsonDecoder().decode(OrderEvent.self, from: Data(bytes))
        expectSame(try OrderEvent.decode(from: bytes), codable)
        expectSame(try OrderEvent.decode(from: event.encoded()), codable)
    }

    @Test(arguments: [
        (#"[]"#, "event: must be an object, not array"),
        (#"{"specversion":"1.0"}"#, "id: is missing"),
        (#"{"specversion":1}"#, "specversion: must be a string"),
        (Self.replacing(#""quantity":2"#, with: #""quantity":"2""#), "data.items[0].quantity: must be a whole number"),
        (Self.replacing(#""quantity":2"#, with: #""quantity":2.5"#), "data.items[0].quantity: must be a whole number"),
        (Self.replacing(#""currency":"USD","minorUnits":2500"#, with: #""currency":"XXX","minorUnits":2500"#),
         "data.total.currency: 'XXX' is not a supported ISO 4217 currency code"),
        (Self.replacing(#""status":"PENDING""#, with: #""status":"LOST""#), "data.status: 'LOST' is not an order status"),
        (Self.replacing(#""customer":{"id":"cust-123"}"#, with: #""customer":{"id":null}"#), "data.customer.id: is missing"),
        (Self.replacing(#""type":"order.created""#, with: #""type":"""#), "type: type and source must not be empty"),
    ] as [(String, String)])
    func saysWhatIsWrong(_ json: String, _ message: String) {
        #expect(throws: (any Error).self) {
            do {
                _ = try OrderEvent.decode(from: Array(json.utf8))
            } catch let error as OrderEventError {
                #expect(error.description == message)
                throw error
            }
        }
    }

    /// The first test event's JSON with one fragment replaced.
    private static func replacing(_ fragment: String, with replacement: String) -> String {
        let json = String(decoding: events[0].encoded(), as: UTF8.self)
        precondition(json.contains(fragment), "\(fragment) is not in \(json)")
        return json.replacingOccurrences(of: fragment, with: replacement)
    }
}
