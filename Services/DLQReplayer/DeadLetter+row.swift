#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Storage

extension DeadLetter {
    /// The columns ``init(row:)`` reads.
    static let columns = """
        id, event_id, message_id, order_id, event_type, queue, origin_queue, origin_routing_key, reason, detail,
        attempts, failed_at, headers, properties, body, status, replay_count, last_replayed_at
        """

    init(row: PostgresRow) throws {
        id = try row.decode(Int64.self, "id")
        eventID = try row.decode(UUID?.self, "event_id")
        messageID = try row.decode(String?.self, "message_id")
        orderID = try row.decode(UUID?.self, "order_id")
        eventType = try row.decode(String?.self, "event_type")
        queue = try row.decode(String.self, "queue")
        originQueue = try row.decode(String?.self, "origin_queue")
        originRoutingKey = try row.decode(String?.self, "origin_routing_key")
        reason = try row.decode(String.self, "reason")
        detail = try row.decode(String?.self, "detail")
        attempts = try row.decode(Int.self, "attempts")
        failedAt = try row.decode(Date.self, "failed_at")
        headers = try row.decode(PostgresJSON.self, "headers")
        properties = try row.decode(PostgresJSON.self, "properties")
        body = try row.decode([UInt8].self, "body")
        let status = try row.decode(String.self, "status")
        guard let known = Status(rawValue: status) else { throw StoredDeadLetterError("unknown status '\(status)'") }
        self.status = known
        replayCount = try row.decode(Int.self, "replay_count")
        lastReplayedAt = try row.decode(Date?.self, "last_replayed_at")
    }
}
