import ConveyorRuntime
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One dead letter as `list --json` prints it.
struct DeadLetterSummary: Encodable, Sendable {
    var id: Int64
    var eventId: String?
    var orderId: String?
    var type: String?
    var queue: String
    var reason: String
    var attempts: Int
    var failedAt: Date
    var detail: String?
    var status: String
    var replayCount: Int
    var lastReplayedAt: Date?

    init(_ deadLetter: DeadLetter) {
        id = deadLetter.id
        eventId = deadLetter.eventID?.lowercasedString
        orderId = deadLetter.orderID?.lowercasedString
        type = deadLetter.eventType
        queue = deadLetter.queue
        reason = deadLetter.reason
        attempts = deadLetter.attempts
        failedAt = deadLetter.failedAt
        detail = deadLetter.detail
        status = deadLetter.status.rawValue
        replayCount = deadLetter.replayCount
        lastReplayedAt = deadLetter.lastReplayedAt
    }

    /// The JSON encoder of the operator commands: RFC 3339 times, sorted keys, indented.
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}
