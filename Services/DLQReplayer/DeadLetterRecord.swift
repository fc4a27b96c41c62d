import ConveyorRuntime
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Messaging

/// What `serve` stores about one message taken from a DLQ: the columns an operator filters on,
/// derived from the copy's failure headers, properties and CloudEvents envelope, and the whole
/// copy (headers, properties, body) to rebuild it for a replay.
///
/// A copy Conveyor dead-lettered carries the `conveyor-*` failure headers. A copy the broker
/// dead-lettered itself (a work queue's delivery limit, an expired or rejected message) has
/// only the broker's `x-death` / `x-last-death-*` / `x-first-death-*` headers; the reason then
/// comes from the most recent death (the one that brought it into the DLQ), or is `unknown`.
struct DeadLetterRecord: Sendable, Equatable {
    static let unknownReason = "unknown"

    var queue: String
    var eventID: UUID?
    var messageID: String?
    var orderID: UUID?
    var eventType: String?
    var originQueue: String?
    var originRoutingKey: String?
    var reason: String
    var detail: String?
    var attempts: Int
    /// When it failed; nil when the copy does not say (the database's `now()` is stored).
    var failedAt: Date?
    var headers: [String: HeaderValue]
    var properties: RecordedProperties
    var body: [UInt8]

    /// - Parameters:
    ///   - queue: the DLQ it was consumed from.
    ///   - exchange, routingKey: how it reached the DLQ.
    init(message: Message, queue: String, exchange: String, routingKey: String) {
        let headers = message.headers
        let envelope = EnvelopeFields(body: message.body)
        let lastDeath = Self.lastDeath(in: headers)
        self.queue = queue
        messageID = message.messageID
        eventID = message.messageID.flatMap(UUID.init(parsing:)) ?? envelope?.id.flatMap(UUID.init(parsing:))
        orderID = message.correlationID.flatMap(UUID.init(parsing:)) ?? envelope?.subject.flatMap(UUID.init(parsing:))
        originRoutingKey =
            headers[ConveyorHeader.originRoutingKey]?.stringValue
            ?? lastDeath?["routing-keys"].flatMap(Self.firstString)
        eventType = message.type ?? originRoutingKey ?? envelope?.type
        originQueue =
            headers[ConveyorHeader.originQueue]?.stringValue
            ?? headers["x-last-death-queue"]?.stringValue
            ?? lastDeath?["queue"]?.stringValue
            ?? headers["x-first-death-queue"]?.stringValue
        let brokerReason =
            headers["x-last-death-reason"]?.stringValue
            ?? lastDeath?["reason"]?.stringValue
            ?? headers["x-first-death-reason"]?.stringValue
        if let reason = headers[ConveyorHeader.failureReason]?.stringValue, !reason.isEmpty {
            self.reason = reason
            detail = headers[ConveyorHeader.failureDetail]?.stringValue
        } else if let brokerReason {
            self.reason = brokerReason
            detail = "dead-lettered by the broker from \(originQueue ?? "an unknown queue") (\(brokerReason))"
        } else {
            reason = Self.unknownReason
            detail = nil
        }
        let brokerCount = headers["x-delivery-count"]?.intValue ?? lastDeath?["count"]?.intValue
        attempts = Int(clamping: max(0, headers[ConveyorHeader.attempt]?.intValue ?? brokerCount ?? 0))
        failedAt = headers[ConveyorHeader.failedAt]?.stringValue.flatMap(Self.parseTime)
        self.headers = headers
        properties = RecordedProperties(message: message, exchange: exchange, routingKey: routingKey)
        body = message.body
    }

    /// The most recent entry of `x-death` (the broker lists it first): the dead-lettering that
    /// brought the message here. Earlier ones are, for example, retry tiers expiring.
    private static func lastDeath(in headers: [String: HeaderValue]) -> [String: HeaderValue]? {
        guard case .array(let deaths)? = headers["x-death"], case .table(let table)? = deaths.first else { return nil }
        return table
    }

    private static func firstString(_ value: HeaderValue) -> String? {
        guard case .array(let values) = value else { return value.stringValue }
        return values.first?.stringValue
    }

    /// `conveyor-failed-at`: ISO 8601, with or without fractional seconds.
    static func parseTime(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }

    /// The envelope fields a dead letter is indexed by, when the body is a CloudEvent.
    private struct EnvelopeFields: Decodable {
        var id: String?
        var subject: String?
        var type: String?

        init?(body: [UInt8]) {
            guard body.first == UInt8(ascii: "{"),
                let fields = try? JSONDecoder().decode(EnvelopeFields.self, from: Data(body))
            else { return nil }
            self = fields
        }
    }
}
