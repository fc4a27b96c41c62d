import Foundation
import Storage
import Testing

@Suite struct PostgresMigrationTests {
    @Test func parsesFileNames() throws {
        let migration = try PostgresMigration(fileName: "0012_add_orders_index.sql", sql: "SELECT 1")
        #expect(migration.version == 12)
        #expect(migration.name == "add_orders_index")
        for bad in ["initial.sql", "0001.sql", "0001_.sql", "abcd_x.sql", "0001_x.txt", "0000_zero.sql"] {
            #expect(throws: PostgresMigrationError.invalidFileName(bad)) { try PostgresMigration(fileName: bad, sql: "") }
        }
    }

    @Test func bundledMigrationsAreOrderedAndCreateTheSchema() throws {
        let migrations = try PostgresMigration.bundled()
        #expect(migrations.map(\.version) == [1, 2, 3, 4, 5])
        #expect(migrations.map(\.fileName) == ["0001_initial.sql", "0002_demo_catalog.sql", "0003_dead_letter_properties.sql", "0004_service_privileges.sql", "0005_outbox_text_json.sql"])
        for table in ["orders", "order_items", "order_events", "catalog", "inventory", "reservations", "payments",
                      "outbox", "inbox", "idempotency_keys", "notifications", "dead_letters", "dlq_replays"] {
            #expect(migrations[0].sql.contains("CREATE TABLE \(table) ("), "missing table \(table)")
        }
        #expect(migrations[1].sql.contains("'SKU-OOS'"))
        #expect(migrations[1].sql.contains("'FAIL-ME'"))
    }
}

@Suite struct ShippedMigrationFilesTests {
    /// `Shared/Storage/Migrations`, next to this package's tests.
    private static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Shared/Storage/Migrations")

    @Test func everyFileInTheDirectoryIsShippedWithItsText() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).sorted()
        let migrations = try PostgresMigration.bundled()
        #expect(migrations.map(\.fileName) == files)
        for migration in migrations {
            let text = try String(contentsOf: Self.directory.appendingPathComponent(migration.fileName), encoding: .utf8)
            #expect(migration.sql == text, "\(migration.fileName) differs from the file")
        }
    }
}
