import Foundation
import Messaging
import Orders
import Testing

@testable import DLQReplayer

@Suite struct HeaderJSONTests {
    static let everyKind: [String: HeaderValue] = [
        "conveyor-attempt": .int(5),
        "conveyor-failure-reason": .string("injected-failure"),
        "flag": .bool(true),
        "ratio": .double(1.5),
        "huge": .double(.infinity),
        "whole-double": .double(2),
        "sent": .timestamp(Date(timeIntervalSince1970: 1_777_636_800)),
        "raw": .bytes([0, 1, 254, 255]),
        "x-death": .array([
            .table([
                "count": .int(1), "queue": .string("order-processor.work"), "reason": .string("delivery_limit"),
                "routing-keys": .array([.string("order.created")]), "time": .timestamp(Date(timeIntervalSince1970: 1_777_636_000)),
            ])
        ]),
        "looks-tagged": .table(["$bytes": .string("not base64, a table")]),
        "empty": .table([:]),
    ]

    @Test func everyHeaderSurvivesTheRoundTrip() throws {
        let document = try HeaderJSON.encode(Self.everyKind)
        #expect(try HeaderJSON.decode(document) == Self.everyKind)
    }

    @Test func theJSONStaysReadableAndQueryable() throws {
        let object = try HeaderJSON.encode(Self.everyKind).decode([String: JSONValue].self)
        #expect(object["conveyor-failure-reason"] == .string("injected-failure"))
        #expect(object["conveyor-attempt"] == .integer(5))
        #expect(object["whole-double"] == .object(["$double": .string("2.0")]))
        #expect(object["sent"] == .object(["$timestamp": .string("2026-05-01T12:00:00Z")]))
        #expect(object["raw"] == .object(["$bytes": .string("AAH+/w==")]))
        #expect(object["looks-tagged"] == .object(["$table": .object(["$bytes": .string("not base64, a table")])]))
    }

    @Test func malformedTagsAreErrors() {
        #expect(throws: StoredDeadLetterError.self) { try HeaderJSON.value(from: .object(["$timestamp": .string("noon")])) }
        #expect(throws: StoredDeadLetterError.self) { try HeaderJSON.value(from: .object(["$double": .integer(3)])) }
        #expect(throws: StoredDeadLetterError.self) { try HeaderJSON.headers(from: .array([])) }
    }
}
