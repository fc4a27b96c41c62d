import Foundation
import Storage

/// The transactional outbox: an event is written in the same transaction as the change that
/// caused it, so both commit or neither does; ``OutboxRelay`` publishes it afterwards.
public enum Outbox {
    /// The exchange of every domain event.
    public static let eventsExchange = "conveyor.events"
    /// The NOTIFY channel that wakes relays when an event is written.
    public static let channel = "conveyor_outbox"

    /// Writes `event` into the outbox in the caller's transaction and notifies the relays
    /// (PostgreSQL delivers the notification on commit, and only then).
    public static func enqueue(_ event: OutboxEvent, in transaction: PostgresTransaction) async throws {
        let properties = OutboxProperties(type: event.type, correlationID: event.correlationID, traceparent: event.traceparent)
        try await transaction.execute(
            """
            INSERT INTO outbox (event_id, exchange, routing_key, envelope, headers, created_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            """,
            [
                event.eventID, event.exchange, event.routingKey, PostgresJSON(bytes: event.envelope),
                try PostgresJSON(encoding: properties), event.occurredAt,
            ])
        try await transaction.notify(channel: channel, payload: "")
    }
}

/// The AMQP properties an outbox row keeps next to its envelope (column `headers`).
struct OutboxProperties: Codable, Sendable {
    var type: String
    var correlationID: String?
    var traceparent: String?
}
