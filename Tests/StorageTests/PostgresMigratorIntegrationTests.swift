import Foundation
import Storage
import Testing

extension IntegrationTests {
    @Suite struct PostgresMigratorIntegrationTests {
        /// A schema name for the migrator itself to create; dropped by the test.
        private func scratchSchema() -> String {
            "storage_migrate_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        }

        @Test func bundledMigrationsApplyOnceAndTwiceChangesNothing() async throws {
            let schema = scratchSchema()
            try await TestDatabase.withSchema { pool, _ in
                defer { Task { try? await TestDatabase.dropSchema(schema) } }
                let migrator = PostgresMigrator(migrations: try PostgresMigration.bundled(), schema: schema, logger: TestDatabase.logger)
                let first = try await migrator.migrate(on: pool)
                #expect(first.map(\.version) == [1, 2, 3, 4, 5])
                let recorded = try await pool.query("SELECT version, name, checksum, applied_at FROM \(schema).schema_migrations ORDER BY version")
                let second = try await migrator.migrate(on: pool)
                #expect(second.isEmpty)
                let again = try await pool.query("SELECT version, name, checksum, applied_at FROM \(schema).schema_migrations ORDER BY version")
                #expect(recorded.count == 5)
                #expect(try recorded.map { try $0.decode(String.self, "name") } == ["initial", "demo_catalog", "dead_letter_properties", "service_privileges", "outbox_text_json"])
                #expect(try recorded.map { try $0.decode(Date.self, "applied_at") } == again.map { try $0.decode(Date.self, "applied_at") })

                let stock = try await pool.query("SELECT sku, available FROM \(schema).inventory WHERE sku IN ('SKU-OOS', 'FAIL-ME') ORDER BY sku")
                #expect(try stock.map { try $0.decode(String.self, "sku") } == ["FAIL-ME", "SKU-OOS"])
                #expect(try stock[1].decode(Int.self, "available") == 0)
                do {
                    try await pool.execute("UPDATE \(schema).inventory SET available = -1 WHERE sku = 'SKU-1'")
                    Issue.record("negative stock accepted")
                } catch let error as PostgresError {
                    #expect(error.isCheckViolation)
                }
                do {
                    try await pool.execute(
                        "INSERT INTO \(schema).orders (id, customer_id, currency, total_minor, status) VALUES ($1, 'c', 'USD', 1, 'SHIPPED')",
                        [UUID()]
                    )
                    Issue.record("unknown status accepted")
                } catch let error as PostgresError {
                    #expect(error.isCheckViolation)
                }
            }
        }

        @Test func concurrentMigratorsApplyEachMigrationExactlyOnce() async throws {
            let schema = scratchSchema()
            defer { Task { try? await TestDatabase.dropSchema(schema) } }
            let configuration = try TestDatabase.configuration()
            let migrations = try PostgresMigration.bundled()
            let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        let pool = PostgresPool(configuration: .init(connection: configuration, maxConnections: 1), logger: TestDatabase.logger)
                        do {
                            let applied = try await PostgresMigrator(migrations: migrations, schema: schema, logger: TestDatabase.logger)
                                .migrate(on: pool)
                            await pool.close()
                            return applied.map(\.version)
                        } catch {
                            await pool.close()
                            throw error
                        }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(applied.sorted() == [1, 2, 3, 4, 5])
            let admin = try await TestDatabase.adminConnection()
            let rows = try await admin.query("SELECT count(*) AS n FROM \(schema).schema_migrations")
            let catalog = try await admin.query("SELECT count(*) AS n FROM \(schema).catalog")
            await admin.close()
            #expect(try rows[0].decode(Int.self, "n") == 5)
            #expect(try catalog[0].decode(Int.self, "n") == 8)
        }

        @Test func anEditedOrUnknownMigrationIsAnError() async throws {
            let schema = scratchSchema()
            try await TestDatabase.withSchema { pool, _ in
                defer { Task { try? await TestDatabase.dropSchema(schema) } }
                let original = [
                    try PostgresMigration(fileName: "0001_things.sql", sql: "CREATE TABLE things (id int PRIMARY KEY);"),
                    try PostgresMigration(fileName: "0002_more.sql", sql: "ALTER TABLE things ADD COLUMN name text;"),
                ]
                try await PostgresMigrator(migrations: original, schema: schema, logger: TestDatabase.logger).migrate(on: pool)

                let edited = [
                    try PostgresMigration(fileName: "0001_things.sql", sql: "CREATE TABLE things (id bigint PRIMARY KEY);"),
                    original[1],
                ]
                do {
                    try await PostgresMigrator(migrations: edited, schema: schema, logger: TestDatabase.logger).migrate(on: pool)
                    Issue.record("an edited migration was accepted")
                } catch let error as PostgresMigrationError {
                    guard case .checksumMismatch(let file, _, _) = error else {
                        Issue.record("unexpected error \(error)")
                        return
                    }
                    #expect(file == "0001_things.sql")
                    #expect("\(error)".contains("0001_things.sql"))
                }

                await #expect(throws: PostgresMigrationError.unknownAppliedVersion(2, name: "more")) {
                    try await PostgresMigrator(migrations: [original[0]], schema: schema, logger: TestDatabase.logger).migrate(on: pool)
                }
            }
        }

        @Test func aFailingMigrationLeavesNoTrace() async throws {
            let schema = scratchSchema()
            try await TestDatabase.withSchema { pool, _ in
                defer { Task { try? await TestDatabase.dropSchema(schema) } }
                let migrations = [
                    try PostgresMigration(fileName: "0001_good.sql", sql: "CREATE TABLE good (id int);"),
                    try PostgresMigration(fileName: "0002_bad.sql", sql: "CREATE TABLE half (id int); SELECT * FROM missing_table;"),
                ]
                do {
                    try await PostgresMigrator(migrations: migrations, schema: schema, logger: TestDatabase.logger).migrate(on: pool)
                    Issue.record("a failing migration was accepted")
                } catch let error as PostgresMigrationError {
                    guard case .failed(let file, let cause) = error else {
                        Issue.record("unexpected error \(error)")
                        return
                    }
                    #expect(file == "0002_bad.sql")
                    #expect(cause.sqlState == "42P01")
                }
                let versions = try await pool.query("SELECT version FROM \(schema).schema_migrations").map { try $0.decode(Int.self, "version") }
                #expect(versions == [1])
                let half = try await pool.query("SELECT to_regclass($1) IS NULL AS absent", ["\(schema).half"])
                #expect(try half[0].decode(Bool.self, "absent"))
            }
        }
    }
}
