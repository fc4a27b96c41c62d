import Orders
import Storage

/// The transactional outbox: an event is written in the same transaction as the change that
/// caused it, so both commit or neither does; ``OutboxRelay`` publishes it afterwards.
public enum Outbox {
    /// The exchange of every domain event.
    public static let eventsExchange = "conveyor.events"
    /// The NOTIFY channel that wakes relays when events were written
    /// (``OutboxRelay/eventsCommitted()``).
    public static let channel = "conveyor_outbox"

    /// Writes `event` into the outbox in the caller's transaction. Once it commits, call
    /// ``OutboxRelay/eventsCommitted()``.
    public static func enqueue(_ event: OutboxEvent, in transaction: PostgresTransaction) async throws {
        try await enqueue([event], in: transaction)
    }

    /// Writes `events` into the outbox in the caller's transaction, in one statement. Once it
    /// commits, call ``OutboxRelay/eventsCommitted()``.
    public static func enqueue(_ events: [OutboxEvent], in transaction: PostgresTransaction) async throws {
        guard !events.isEmpty else { return }
        let insertion = Insertion(events, firstParameter: 1)
        try await transaction.execute(insertion.sql, insertion.parameters)
    }

    /// The `INSERT` writing events into the outbox, for a statement that writes them together
    /// with the change that caused them (as a data-modifying `WITH` query), so one statement
    /// does it all. Once it commits, call ``OutboxRelay/eventsCommitted()``.
    public struct Insertion: Sendable {
        /// The statement, its parameters numbered from the `firstParameter` it was made with.
        public let sql: String
        public let parameters: [any PostgresBindable]

        /// - Parameter condition: an SQL condition the events are written under, e.g. that the
        ///   change causing them was made.
        public init(_ events: [OutboxEvent], firstParameter first: Int, when condition: String? = nil) {
            let properties = events.map {
                OutboxProperties(type: $0.type, correlationID: $0.correlationID, traceparent: $0.traceparent).jsonText
            }
            let p = (first..<first + 6).map { "$\($0)" }
            sql = """
                INSERT INTO outbox (event_id, exchange, routing_key, envelope, headers, created_at)
                SELECT e.event_id, e.exchange, e.routing_key, e.envelope::json, e.headers::json, e.created_at
                FROM unnest(\(p[0])::uuid[], \(p[1])::text[], \(p[2])::text[], \(p[3])::text[], \(p[4])::text[], \(p[5])::timestamptz[])
                    AS e(event_id, exchange, routing_key, envelope, headers, created_at)
                """ + (condition.map { "\nWHERE \($0)" } ?? "")
            parameters = [
                PostgresArray(events.map(\.eventID)), PostgresArray(events.map(\.exchange)), PostgresArray(events.map(\.routingKey)),
                PostgresArray(events.map { String(decoding: $0.envelope, as: UTF8.self) }), PostgresArray(properties),
                PostgresArray(events.map(\.occurredAt)),
            ]
        }
    }
}

/// The AMQP properties an outbox row keeps next to its envelope (column `headers`), as a
/// JSON object: `{"type": …, "correlationID": …, "traceparent": …}`, absent members left out.
struct OutboxProperties: Equatable, Sendable {
    var type: String
    var correlationID: String?
    var traceparent: String?

    var jsonText: String {
        var members: [String: JSONValue] = ["type": .string(type)]
        members["correlationID"] = correlationID.map(JSONValue.string)
        members["traceparent"] = traceparent.map(JSONValue.string)
        return JSONValue.object(members).jsonText
    }

    /// Reads the column's text.
    init(jsonText: String) throws {
        guard case .object(let members) = try JSONValue.parse(jsonText.utf8) else {
            throw OutboxPropertiesError(text: jsonText, problem: "is not a JSON object")
        }
        func string(_ key: String) throws -> String? {
            switch members[key] {
            case nil, .null?: return nil
            case .string(let text)?: return text
            default: throw OutboxPropertiesError(text: jsonText, problem: "has a \(key) that is not a string")
            }
        }
        guard let type = try string("type") else { throw OutboxPropertiesError(text: jsonText, problem: "has no type") }
        self.init(type: type, correlationID: try string("correlationID"), traceparent: try string("traceparent"))
    }

    init(type: String, correlationID: String?, traceparent: String?) {
        self.type = type
        self.correlationID = correlationID
        self.traceparent = traceparent
    }
}

/// An outbox row's `headers` column that cannot be read.
struct OutboxPropertiesError: Error, CustomStringConvertible {
    var text: String
    var problem: String
    var description: String { "the outbox row's headers \(problem): \(text)" }
}
