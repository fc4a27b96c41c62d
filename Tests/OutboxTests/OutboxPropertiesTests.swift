import Testing

@testable import Outbox

@Suite struct OutboxPropertiesTests {
    @Test func roundTripsWithAndWithoutOptionalMembers() throws {
        let full = OutboxProperties(
            type: "order.created", correlationID: "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
            traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        let bare = OutboxProperties(type: "order.failed \"quoted\"", correlationID: nil, traceparent: nil)
        for properties in [full, bare] {
            #expect(try OutboxProperties(jsonText: properties.jsonText) == properties)
        }
        #expect(bare.jsonText == #"{"type":"order.failed \"quoted\""}"#)
    }

    @Test func readsWhatPostgreSQLGivesBackForJSONB() throws {
        let text = #"{"type": "order.processed", "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "correlationID": null}"#
        let properties = try OutboxProperties(jsonText: text)
        #expect(properties == OutboxProperties(type: "order.processed", correlationID: nil, traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
    }

    @Test(arguments: [#"[]"#, #"{}"#, #"{"type": 1}"#, #"{"type": "x", "traceparent": true}"#, "not json"])
    func refusesWhatIsNotTheirShape(text: String) {
        #expect(throws: (any Error).self) { try OutboxProperties(jsonText: text) }
    }
}
