#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Orders

/// A domain event as the outbox stores it: the CloudEvents JSON plus what the AMQP message
/// carries in its properties.
public struct OutboxEvent: Sendable, Hashable {
    public var eventID: UUID
    public var type: String
    public var exchange: String
    public var routingKey: String
    /// The CloudEvents envelope, JSON.
    public var envelope: [UInt8]
    /// The AMQP `correlation_id`: the order id.
    public var correlationID: String?
    public var traceparent: String?
    public var occurredAt: Date

    public init(
        eventID: UUID, type: String, exchange: String, routingKey: String, envelope: [UInt8], correlationID: String?,
        traceparent: String?, occurredAt: Date
    ) {
        self.eventID = eventID
        self.type = type
        self.exchange = exchange
        self.routingKey = routingKey
        self.envelope = envelope
        self.correlationID = correlationID
        self.traceparent = traceparent
        self.occurredAt = occurredAt
    }

    /// An order event for `conveyor.events`, routed by its type.
    public init(_ event: OrderEvent, exchange: String = Outbox.eventsExchange) {
        self.init(
            eventID: event.id, type: event.type, exchange: exchange, routingKey: event.type, envelope: event.encoded(),
            correlationID: event.subject, traceparent: event.traceparent, occurredAt: event.time)
    }
}
