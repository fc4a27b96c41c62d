import Foundation
import Storage
import Testing
import TestSupport

/// Each service's database role may use the tables it needs and no other
/// (Shared/Storage/Migrations/0004_service_privileges.sql, deploy/postgres/init).
extension EndToEnd {
    @Suite struct DatabasePrivilegesTests {
        /// SQL that must work, and SQL that must be refused, per service role.
        static let cases: [(service: String, allowed: [String], refused: [String])] = [
            ("api-gateway",
             ["SELECT count(*) FROM orders", "SELECT count(*) FROM catalog", "SELECT count(*) FROM dead_letters",
              "SELECT count(*) FROM outbox"],
             ["SELECT count(*) FROM inventory", "UPDATE catalog SET name = name", "SELECT count(*) FROM inbox",
              "INSERT INTO dead_letters (queue) VALUES ('x')"]),
            ("order-processor",
             ["SELECT count(*) FROM inventory", "SELECT count(*) FROM inbox", "SELECT count(*) FROM payments"],
             ["SELECT count(*) FROM notifications", "SELECT count(*) FROM dead_letters", "INSERT INTO order_items (order_id) VALUES (NULL)",
              "SELECT count(*) FROM idempotency_keys"]),
            ("notifier",
             ["SELECT count(*) FROM notifications"],
             ["SELECT count(*) FROM orders", "SELECT count(*) FROM outbox", "SELECT count(*) FROM inventory"]),
            ("dlq-replayer",
             ["SELECT count(*) FROM dead_letters", "SELECT count(*) FROM dlq_replays"],
             ["SELECT count(*) FROM orders", "SELECT count(*) FROM notifications", "DELETE FROM dlq_replays"]),
        ]

        @Test func eachServiceRoleUsesOnlyItsOwnTables() async throws {
            let stack = TestStack()
            // The schema exists once any service has started; the gateway applies it.
            let pipeline = try await Pipeline.start(["api-gateway"])
            await pipeline.stop()
            for (service, allowed, refused) in Self.cases {
                let connection = try await PostgresConnection.connect(
                    configuration: try PostgresConfiguration(url: try stack.postgresURL(for: service)), logger: .init(label: "e2e"))
                for sql in allowed {
                    do {
                        _ = try await connection.query(sql, [])
                    } catch {
                        Issue.record("\(service) was refused \(sql): \(error)")
                    }
                }
                for sql in refused {
                    do {
                        _ = try await connection.query(sql, [])
                        Issue.record("\(service) was allowed \(sql)")
                    } catch let error as PostgresError {
                        #expect(error.sqlState == "42501", "\(service): \(sql): \(error)")
                    }
                }
                await connection.close()
            }
        }
    }
}
