#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A message body with its AMQP properties and headers.
///
/// Publishing always marks it persistent (`delivery_mode = 2`). Conveyor's events set
/// ``messageID`` (the event id), ``type``, ``contentType``, ``timestamp``, ``correlationID``
/// and the W3C ``traceparent`` header.
public struct Message: Sendable, Hashable {
    public var body: [UInt8]
    public var messageID: String?
    public var type: String?
    public var contentType: String?
    public var contentEncoding: String?
    public var correlationID: String?
    /// Whole seconds since 1970 on the wire.
    public var timestamp: Date?
    public var appID: String?
    public var replyTo: String?
    public var expiration: String?
    public var priority: UInt8?
    public var headers: [String: HeaderValue]

    public init(
        body: [UInt8],
        messageID: String? = nil,
        type: String? = nil,
        contentType: String? = nil,
        contentEncoding: String? = nil,
        correlationID: String? = nil,
        timestamp: Date? = nil,
        appID: String? = nil,
        replyTo: String? = nil,
        expiration: String? = nil,
        priority: UInt8? = nil,
        headers: [String: HeaderValue] = [:]
    ) {
        self.body = body
        self.messageID = messageID
        self.type = type
        self.contentType = contentType
        self.contentEncoding = contentEncoding
        self.correlationID = correlationID
        self.timestamp = timestamp
        self.appID = appID
        self.replyTo = replyTo
        self.expiration = expiration
        self.priority = priority
        self.headers = headers
    }

    /// The W3C trace context header (`traceparent`).
    public var traceparent: String? {
        get { headers[ConveyorHeader.traceparent]?.stringValue }
        set { headers[ConveyorHeader.traceparent] = newValue.map(HeaderValue.string) }
    }
}
