import ConveyorRuntime
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Messaging
import Storage

/// An outbox row claimed by a relay, ready to publish.
struct ClaimedRow: Sendable {
    var id: Int64
    var exchange: String
    var routingKey: String
    var createdAt: Date
    var message: Message

    init(_ row: PostgresRow) throws {
        id = try row.decode(Int64.self, "id")
        exchange = try row.decode(String.self, "exchange")
        routingKey = try row.decode(String.self, "routing_key")
        createdAt = try row.decode(Date.self, "created_at")
        let eventID = try row.decode(UUID.self, "event_id")
        let properties = try OutboxProperties(jsonText: try row.decode(String.self, "headers"))
        var headers: [String: HeaderValue] = [:]
        if let traceparent = properties.traceparent {
            headers[ConveyorHeader.traceparent] = .string(traceparent)
        }
        message = Message(
            body: Array(try row.decode(String.self, "envelope").utf8),
            messageID: eventID.lowercasedString,
            type: properties.type,
            contentType: "application/cloudevents+json",
            correlationID: properties.correlationID,
            timestamp: createdAt,
            headers: headers)
    }
}
