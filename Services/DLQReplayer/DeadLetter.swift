#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Messaging
import Storage

/// One row of `dead_letters`: a message `serve` took from a DLQ, why it failed, and what
/// operators have done with it since.
struct DeadLetter: Sendable {
    /// `waiting` until an operator replays or purges it; rows are never deleted.
    enum Status: String, Sendable, Codable, CaseIterable {
        case waiting
        case replayed
        case purged
    }

    var id: Int64
    var eventID: UUID?
    var messageID: String?
    var orderID: UUID?
    var eventType: String?
    var queue: String
    var originQueue: String?
    var originRoutingKey: String?
    var reason: String
    var detail: String?
    var attempts: Int
    var failedAt: Date
    var headers: PostgresJSON
    var properties: PostgresJSON
    var body: [UInt8]
    var status: Status
    var replayCount: Int
    var lastReplayedAt: Date?

    /// The stored headers as AMQP field values.
    func decodedHeaders() throws -> [String: HeaderValue] {
        try HeaderJSON.decode(headers)
    }

    /// The stored AMQP properties.
    func decodedProperties() throws -> RecordedProperties {
        try properties.decode(RecordedProperties.self)
    }
}
