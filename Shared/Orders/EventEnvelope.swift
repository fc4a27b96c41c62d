import ConveyorRuntime
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A CloudEvents 1.0 event in its JSON format, with `Payload` as `data`.
///
/// Attributes: `specversion` (always `1.0`), `id` (the event id), `type`, `source` (the
/// service that emitted it), `time`, `subject` (the order id), `datacontenttype`
/// (`application/json`) and the distributed-tracing extension `traceparent`.
///
/// `Codable` through `JSONEncoder` and `JSONDecoder` (with ``Timestamp``'s date coding) for any
/// payload; order events have faster coding of their own with the same JSON,
/// `OrderEvent.encoded()` and `OrderEvent.decode(from:)`.
public struct EventEnvelope<Payload: Codable & Sendable>: Sendable, Codable {
    public static var specVersion: String { "1.0" }
    public static var dataContentType: String { "application/json" }

    public var id: UUID
    public var type: String
    public var source: String
    public var time: Date
    public var subject: String?
    /// W3C trace context of the request that caused the event.
    public var traceparent: String?
    public var data: Payload

    public init(
        id: UUID = .timeOrdered(), type: String, source: String, time: Date = Date(), subject: String? = nil,
        traceparent: String? = nil, data: Payload
    ) {
        self.id = id
        self.type = type
        self.source = source
        self.time = time
        self.subject = subject
        self.traceparent = traceparent
        self.data = data
    }

    enum CodingKeys: String, CodingKey {
        case specversion, id, type, source, time, subject, datacontenttype, traceparent, data
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let version = try container.decode(String.self, forKey: .specversion)
        guard version == Self.specVersion else {
            throw DecodingError.dataCorruptedError(
                forKey: .specversion, in: container, debugDescription: "unsupported CloudEvents specversion '\(version)'")
        }
        let contentType = try container.decodeIfPresent(String.self, forKey: .datacontenttype) ?? Self.dataContentType
        guard contentType.hasPrefix(Self.dataContentType) else {
            throw DecodingError.dataCorruptedError(
                forKey: .datacontenttype, in: container, debugDescription: "data must be application/json, not '\(contentType)'")
        }
        id = try container.decode(UUID.self, forKey: .id)
        type = try container.decode(String.self, forKey: .type)
        source = try container.decode(String.self, forKey: .source)
        guard !type.isEmpty, !source.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: "type and source must not be empty")
        }
        time = try container.decode(Date.self, forKey: .time)
        subject = try container.decodeIfPresent(String.self, forKey: .subject)
        traceparent = try container.decodeIfPresent(String.self, forKey: .traceparent)
        data = try container.decode(Payload.self, forKey: .data)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.specVersion, forKey: .specversion)
        try container.encode(id.lowercasedString, forKey: .id)
        try container.encode(type, forKey: .type)
        try container.encode(source, forKey: .source)
        try container.encode(time, forKey: .time)
        try container.encodeIfPresent(subject, forKey: .subject)
        try container.encode(Self.dataContentType, forKey: .datacontenttype)
        try container.encodeIfPresent(traceparent, forKey: .traceparent)
        try container.encode(data, forKey: .data)
    }
}
