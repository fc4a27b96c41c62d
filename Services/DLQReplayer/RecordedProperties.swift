#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Messaging

/// The AMQP properties of a dead-lettered copy, as `dead_letters.properties` stores them, with
/// the exchange and routing key it reached the DLQ with. Absent properties are left out.
struct RecordedProperties: Codable, Sendable, Hashable {
    var messageID: String?
    var type: String?
    var contentType: String?
    var contentEncoding: String?
    var correlationID: String?
    /// Whole seconds since 1970, as AMQP carries it.
    var timestamp: Int64?
    var appID: String?
    var replyTo: String?
    var expiration: String?
    var priority: UInt8?
    var exchange: String?
    var routingKey: String?

    enum CodingKeys: String, CodingKey {
        case messageID = "message_id"
        case type
        case contentType = "content_type"
        case contentEncoding = "content_encoding"
        case correlationID = "correlation_id"
        case timestamp
        case appID = "app_id"
        case replyTo = "reply_to"
        case expiration
        case priority
        case exchange
        case routingKey = "routing_key"
    }

    init(message: Message, exchange: String?, routingKey: String?) {
        messageID = message.messageID
        type = message.type
        contentType = message.contentType
        contentEncoding = message.contentEncoding
        correlationID = message.correlationID
        timestamp = message.timestamp.map { Int64($0.timeIntervalSince1970.rounded(.down)) }
        appID = message.appID
        replyTo = message.replyTo
        expiration = message.expiration
        priority = message.priority
        self.exchange = exchange
        self.routingKey = routingKey
    }

    /// The message these properties describe, with `body` and `headers`.
    func message(body: [UInt8], headers: [String: HeaderValue]) -> Message {
        Message(
            body: body, messageID: messageID, type: type, contentType: contentType, contentEncoding: contentEncoding,
            correlationID: correlationID, timestamp: timestamp.map { Date(timeIntervalSince1970: TimeInterval($0)) },
            appID: appID, replyTo: replyTo, expiration: expiration, priority: priority, headers: headers)
    }
}
