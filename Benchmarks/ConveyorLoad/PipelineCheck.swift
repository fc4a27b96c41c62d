import Foundation
import Logging
import Storage

/// What the run's orders became, read from PostgreSQL: the order's status and the e-mail
/// recorded as sent for it.
struct PipelineCheck: Sendable {
    let database: PostgresPool

    init(url: String) throws {
        database = PostgresPool(
            configuration: .init(connection: try PostgresConfiguration(url: url), maxConnections: 2),
            logger: Logger(label: "conveyor-load"))
    }

    /// The skus that are sold: those with stock, and those that were sold before and ran out
    /// (so that earlier runs do not shrink the set); never `FAIL-ME`, which fails on purpose.
    func skusOnSale() async throws -> [String] {
        let rows = try await database.query(
            """
            SELECT sku FROM inventory i
            WHERE sku <> 'FAIL-ME' AND (available > 0 OR EXISTS (SELECT 1 FROM reservations r WHERE r.sku = i.sku))
            ORDER BY sku
            """)
        return try rows.map { try $0.decode(String.self, "sku") }
    }

    /// Raises the stock of `skus` to at least `units` each.
    func restock(_ skus: [String], units: Int) async throws {
        try await database.execute(
            "UPDATE inventory SET available = GREATEST(available, $2) WHERE sku = ANY($1::text[])",
            [PostgresArray(skus), units])
    }

    /// The stock of `skus` now.
    func stock(_ skus: [String]) async throws -> [String: Int] {
        let rows = try await database.query(
            "SELECT sku, available FROM inventory WHERE sku = ANY($1::text[])", [PostgresArray(skus)])
        var stock: [String: Int] = [:]
        for row in rows {
            stock[try row.decode(String.self, "sku")] = try row.decode(Int.self, "available")
        }
        return stock
    }

    /// Which of `ids` have an e-mail recorded as sent: one index lookup per id, so polling
    /// with the few orders still outstanding costs the database little.
    func sent(among ids: [UUID]) async throws -> Set<UUID> {
        let rows = try await database.query(
            "SELECT DISTINCT order_id FROM notifications WHERE order_id = ANY($1::uuid[]) AND status = 'sent'",
            [PostgresArray(ids)])
        return Set(try rows.map { try $0.decode(UUID.self, "order_id") })
    }

    /// One posted order as the database has it.
    struct OrderFate: Sendable {
        var id: UUID
        /// nil: the order is not in the database.
        var status: String?
        /// Seconds since the epoch, by the database's clock.
        var createdAt: Double?
        /// E-mails recorded as sent for the order.
        var sent: Int
        /// When the first of them was sent, by the database's clock.
        var firstSentAt: Double?
    }

    func fates(of ids: [UUID]) async throws -> [OrderFate] {
        var fates: [OrderFate] = []
        fates.reserveCapacity(ids.count)
        for start in stride(from: 0, to: ids.count, by: 5000) {
            let chunk = Array(ids[start..<min(ids.count, start + 5000)])
            let rows = try await database.query(
                """
                SELECT p.id, o.status, extract(epoch FROM o.created_at)::float8 AS created_at,
                       coalesce(n.sent, 0)::int8 AS sent, n.first_sent_at
                FROM unnest($1::uuid[]) AS p(id)
                LEFT JOIN orders o ON o.id = p.id
                LEFT JOIN LATERAL (
                    SELECT count(*) AS sent, extract(epoch FROM min(sent_at))::float8 AS first_sent_at
                    FROM notifications WHERE order_id = p.id AND status = 'sent'
                ) n ON true
                """, [PostgresArray(chunk)])
            for row in rows {
                fates.append(
                    OrderFate(
                        id: try row.decode(UUID.self, "id"),
                        status: try row.decode(String?.self, "status"),
                        createdAt: try row.decode(Double?.self, "created_at"),
                        sent: try row.decode(Int.self, "sent"),
                        firstSentAt: try row.decode(Double?.self, "first_sent_at")))
            }
        }
        return fates
    }

    func close() async {
        await database.close()
    }
}
