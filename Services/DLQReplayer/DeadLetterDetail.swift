#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Orders

/// Everything about one dead letter, as `show` prints it: the columns, the headers and
/// properties as stored, and the body as text when it is UTF-8, else base64.
struct DeadLetterDetail: Encodable, Sendable {
    /// The body, readable where possible.
    struct Body: Encodable, Sendable {
        /// `utf-8` or `base64`.
        var encoding: String
        var size: Int
        var content: String

        init(_ bytes: [UInt8]) {
            size = bytes.count
            if let text = String(validating: bytes, as: UTF8.self) {
                encoding = "utf-8"
                content = text
            } else {
                encoding = "base64"
                content = Data(bytes).base64EncodedString()
            }
        }
    }

    var summary: DeadLetterSummary
    var messageId: String?
    var originQueue: String?
    var originRoutingKey: String?
    var headers: JSONValue
    var properties: JSONValue
    var body: Body

    init(_ deadLetter: DeadLetter) throws {
        summary = DeadLetterSummary(deadLetter)
        messageId = deadLetter.messageID
        originQueue = deadLetter.originQueue
        originRoutingKey = deadLetter.originRoutingKey
        headers = try deadLetter.headers.decode(JSONValue.self)
        properties = try deadLetter.properties.decode(JSONValue.self)
        body = Body(deadLetter.body)
    }

    enum CodingKeys: String, CodingKey {
        case messageId, originQueue, originRoutingKey, headers, properties, body
    }

    func encode(to encoder: any Encoder) throws {
        try summary.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(messageId, forKey: .messageId)
        try container.encodeIfPresent(originQueue, forKey: .originQueue)
        try container.encodeIfPresent(originRoutingKey, forKey: .originRoutingKey)
        try container.encode(headers, forKey: .headers)
        try container.encode(properties, forKey: .properties)
        try container.encode(body, forKey: .body)
    }

    /// The detail as text for a terminal.
    var text: String {
        let encoder = DeadLetterSummary.encoder
        func json(_ value: JSONValue) -> String {
            let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
            return String(decoding: data, as: UTF8.self)
        }
        func time(_ date: Date?) -> String { date?.formatted(.iso8601) ?? "-" }
        var fields: [(String, String)] = [
            ("id", "\(summary.id)"),
            ("status", summary.status),
            ("event id", summary.eventId ?? "-"),
            ("message id", messageId ?? "-"),
            ("order id", summary.orderId ?? "-"),
            ("type", summary.type ?? "-"),
            ("queue", summary.queue),
            ("origin queue", originQueue ?? "-"),
            ("origin routing key", originRoutingKey ?? "-"),
            ("reason", summary.reason),
            ("detail", summary.detail ?? "-"),
            ("attempts", "\(summary.attempts)"),
            ("failed at", time(summary.failedAt)),
            ("replays", "\(summary.replayCount)"),
        ]
        if summary.lastReplayedAt != nil { fields.append(("last replayed at", time(summary.lastReplayedAt))) }
        let width = fields.map(\.0.count).max() ?? 0
        var lines = fields.map { name, value in "\(name.padded(toWidth: width))  \(value)" }
        lines.append("headers:\n\(json(headers))")
        lines.append("properties:\n\(json(properties))")
        lines.append("body (\(body.encoding), \(body.size) bytes):\n\(body.content)")
        return lines.joined(separator: "\n")
    }
}
