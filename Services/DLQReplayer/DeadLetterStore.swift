#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Orders
import Storage

/// The `dead_letters` and `dlq_replays` tables: everything dlq-replayer reads and writes in
/// PostgreSQL.
struct DeadLetterStore: Sendable {
    let pool: PostgresPool

    /// Stores a copy taken from a DLQ, once: returns its new row id, or nil when this very copy
    /// was stored before (a redelivery after a crash between commit and ack).
    ///
    /// `message_key` is computed by PostgreSQL over the queue, the canonical `jsonb` text of the
    /// headers (without the broker's `x-delivery-count`, which a redelivery adds) and of the
    /// properties, and the body. A later dead-lettering of the same event carries another
    /// `conveyor-failed-at`, so it is a new row.
    func record(_ record: DeadLetterRecord) async throws -> Int64? {
        let rows = try await pool.query(
            """
            INSERT INTO dead_letters (
                message_key, event_id, message_id, order_id, event_type, queue, origin_queue, origin_routing_key,
                reason, detail, attempts, failed_at, headers, properties, body)
            VALUES (
                md5(convert_to($5 || E'\\n' || ($12::jsonb - 'x-delivery-count')::text || E'\\n' || $13::jsonb::text || E'\\n', 'UTF8')
                    || $14::bytea),
                $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, coalesce($11, now()), $12, $13, $14)
            ON CONFLICT (message_key) DO NOTHING
            RETURNING id
            """,
            [
                record.eventID, record.messageID, record.orderID, record.eventType, record.queue, record.originQueue,
                record.originRoutingKey, record.reason, record.detail, record.attempts, record.failedAt,
                try HeaderJSON.encode(record.headers), try PostgresJSON(encoding: record.properties, encoder: Self.encoder),
                record.body,
            ])
        return try rows.first?.decode(Int64.self, "id")
    }

    /// Per queue: dead letters waiting, and replays done (every replay of every dead letter).
    func queueCounts() async throws -> [String: DeadLetterCounts] {
        let rows = try await pool.query(
            """
            SELECT queue, count(*) FILTER (WHERE status = 'waiting')::int8 AS waiting,
                   coalesce(sum(replay_count), 0)::int8 AS replays
              FROM dead_letters GROUP BY queue
            """)
        var counts: [String: DeadLetterCounts] = [:]
        for row in rows {
            counts[try row.decode(String.self, "queue")] = DeadLetterCounts(
                waiting: try row.decode(Int.self, "waiting"), replays: try row.decode(Int.self, "replays"))
        }
        return counts
    }

    /// The dead letters `filter` selects, newest first, at most `limit`.
    func list(_ filter: DeadLetterFilter, limit: Int) async throws -> [DeadLetter] {
        var parameters: [any PostgresBindable] = []
        let condition = filter.condition(parameters: &parameters)
        parameters.append(limit)
        let rows = try await pool.query(
            "SELECT \(DeadLetter.columns) FROM dead_letters WHERE \(condition) ORDER BY id DESC LIMIT $\(parameters.count)",
            parameters)
        return try rows.map(DeadLetter.init(row:))
    }

    /// The dead letters `reference` names: one row for an id, every row of an event id.
    func find(_ reference: DeadLetterReference) async throws -> [DeadLetter] {
        let rows: PostgresRows
        switch reference {
        case .id(let id):
            rows = try await pool.query("SELECT \(DeadLetter.columns) FROM dead_letters WHERE id = $1", [id])
        case .eventID(let eventID):
            rows = try await pool.query(
                "SELECT \(DeadLetter.columns) FROM dead_letters WHERE event_id = $1 ORDER BY id", [eventID])
        }
        return try rows.map(DeadLetter.init(row:))
    }

    /// The rows `ids` name, in id order.
    func deadLetters(_ ids: [Int64]) async throws -> [DeadLetter] {
        guard !ids.isEmpty else { return [] }
        let rows = try await pool.query(
            "SELECT \(DeadLetter.columns) FROM dead_letters WHERE id = ANY($1::bigint[]) ORDER BY id", [PostgresArray(ids)])
        return try rows.map(DeadLetter.init(row:))
    }

    /// The ids `filter` selects, oldest first (the order they reached the DLQs), at most `limit`.
    func ids(_ filter: DeadLetterFilter, limit: Int?) async throws -> [Int64] {
        var parameters: [any PostgresBindable] = []
        let condition = filter.condition(parameters: &parameters)
        var sql = "SELECT id FROM dead_letters WHERE \(condition) ORDER BY id"
        if let limit {
            parameters.append(limit)
            sql += " LIMIT $\(parameters.count)"
        }
        return try await pool.query(sql, parameters).map { try $0.decode(Int64.self, "id") }
    }

    /// Replays row `id` if it still has one of `statuses` and no other replay holds it: locks
    /// the row, runs `publish` (which returns once the broker confirmed the copy), then marks
    /// the row replayed, and commits.
    ///
    /// Returns nil when the row was skipped (gone to another status, or locked by a concurrent
    /// replay or purge), else the row as it was before. A crash between the confirm and the
    /// commit leaves the row waiting: a later replay publishes it once more, and the consumer's
    /// inbox recognises the event as a duplicate.
    func replay(
        id: Int64, statuses: [DeadLetter.Status], publish: (DeadLetter) async throws -> Void
    ) async throws -> DeadLetter? {
        try await pool.withTransaction(maxAttempts: 1) { transaction in
            let rows = try await transaction.query(
                """
                SELECT \(DeadLetter.columns) FROM dead_letters
                WHERE id = $1 AND status = ANY($2::text[]) FOR UPDATE SKIP LOCKED
                """,
                [id, PostgresArray(statuses.map(\.rawValue))])
            guard let row = rows.first else { return nil }
            let deadLetter = try DeadLetter(row: row)
            try await publish(deadLetter)
            try await transaction.execute(
                """
                UPDATE dead_letters SET status = 'replayed', replay_count = replay_count + 1, last_replayed_at = now()
                WHERE id = $1
                """,
                [id])
            return deadLetter
        }
    }

    /// Marks the rows `filter` selects (oldest first, at most `limit`) purged and audits it, in
    /// one transaction; rows another replay or purge holds are left alone. Returns the ids.
    func purge(_ filter: DeadLetterFilter, limit: Int?, audit: AuditEntry) async throws -> [Int64] {
        try await pool.withTransaction { transaction in
            var parameters: [any PostgresBindable] = []
            let condition = filter.condition(parameters: &parameters)
            var selection = "SELECT id FROM dead_letters WHERE \(condition) AND status <> 'purged' ORDER BY id"
            if let limit {
                parameters.append(limit)
                selection += " LIMIT $\(parameters.count)"
            }
            let ids = try await transaction.query(
                """
                UPDATE dead_letters SET status = 'purged'
                WHERE id IN (\(selection) FOR UPDATE SKIP LOCKED)
                RETURNING id
                """,
                parameters
            ).map { try $0.decode(Int64.self, "id") }.sorted()
            var entry = audit
            entry.deadLetterIDs = ids
            try await Self.insert(entry, into: transaction)
            return ids
        }
    }

    /// Adds `entry` to the audit trail.
    func audit(_ entry: AuditEntry) async throws {
        try await Self.insert(entry, into: pool)
    }

    private static func insert(_ entry: AuditEntry, into database: some PostgresQuerying) async throws {
        try await database.execute(
            """
            INSERT INTO dlq_replays (action, dead_letter_ids, filter, actor, destination, dry_run, message_count)
            VALUES ($1, $2::bigint[], $3, $4, $5, $6, $7)
            """,
            [
                entry.action.rawValue, PostgresArray(entry.deadLetterIDs), try PostgresJSON(encoding: entry.filter, encoder: encoder),
                entry.actor, entry.destination, entry.dryRun, entry.deadLetterIDs.count,
            ])
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
