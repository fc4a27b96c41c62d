import Foundation
import Testing

@testable import Messaging

@Suite struct HeaderValueTests {
    static let sample: [String: HeaderValue] = [
        "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "conveyor-attempt": 3,
        "ratio": 0.25,
        "flag": true,
        "off": false,
        "at": .timestamp(Date(timeIntervalSince1970: 1_700_000_000)),
        "raw": .bytes([0, 1, 2, 255]),
        "list": .array(["a", 1, .array([true])]),
        "nested": .table(["inner": "value", "deeper": .table(["n": -7])]),
        "empty": .table([:]),
        "unicode": "grüße ✓",
    ]

    @Test func roundTripsThroughAnAMQPTable() {
        let scope = CMemoryScope()
        let table = HeaderValue.fieldTable(Self.sample, in: scope)
        let decoded = withExtendedLifetime(scope) { HeaderValue.dictionary(from: table) }
        #expect(decoded == Self.sample)
    }

    @Test func roundTripsMessageProperties() {
        let message = Message(
            body: Array("{}".utf8), messageID: "e-1", type: "order.created", contentType: "application/cloudevents+json",
            contentEncoding: "identity", correlationID: "c-1", timestamp: Date(timeIntervalSince1970: 1_700_000_123),
            appID: "api-gateway", replyTo: "r", expiration: "60000", priority: 4, headers: Self.sample
        )
        let scope = CMemoryScope()
        let properties = message.basicProperties(in: scope)
        var decoded = withExtendedLifetime(scope) { Message(properties: properties) }
        decoded.body = message.body
        #expect(decoded == message)
        #expect(properties.delivery_mode == 2)
    }

    @Test func absentPropertiesStayAbsent() {
        let scope = CMemoryScope()
        let properties = Message(body: []).basicProperties(in: scope)
        let decoded = withExtendedLifetime(scope) { Message(properties: properties) }
        #expect(decoded == Message(body: []))
    }

    @Test func readsIntegersFromStrings() {
        #expect(HeaderValue.string("42").intValue == 42)
        #expect(HeaderValue.bool(true).intValue == nil)
    }
}
