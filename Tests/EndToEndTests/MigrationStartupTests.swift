import Foundation
import Storage
import Testing
import TestSupport

/// Replicas started at the same moment on an empty schema: each applies the migrations at
/// start-up under the migrator's advisory lock, so they are applied exactly once and every
/// replica becomes ready.
extension EndToEnd {
    @Suite struct MigrationStartupTests {
        @Test func twoGatewaysStartedAtOnceOnAnEmptySchemaApplyEachMigrationOnce() async throws {
            let pipeline = try await Pipeline.start([])
            let schema = "e2e_migrate_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
            var processes: [ServiceProcess] = []
            do {
                let owner = try pipeline.stack.ownerPostgresURL()
                var ports: [Int] = []
                for _ in 0..<2 {
                    var environment = try pipeline.environment(for: "api-gateway")
                    let port = try FreePort.next()
                    ports.append(port)
                    environment["HTTP_PORT"] = "\(port)"
                    environment["DATABASE_URL"] = owner
                    environment["DATABASE_MIGRATION_URL"] = owner
                    environment["DATABASE_SCHEMA"] = String(schema)
                    processes.append(try ServiceProcess("api-gateway", environment: environment))
                }
                for process in processes {
                    try process.start()
                }
                for (process, port) in zip(processes, ports) {
                    try await HTTPProbe.waitFor("http://127.0.0.1:\(port)/readyz", timeout: .seconds(60), service: process)
                }

                let versions = try await pipeline.database.query("SELECT version FROM \(schema).schema_migrations ORDER BY version")
                #expect(try versions.map { try $0.decode(Int.self, "version") } == [1, 2, 3, 4, 5])
                let catalog = try await pipeline.database.query("SELECT count(*)::int8 AS n FROM \(schema).catalog")
                #expect(try catalog.first?.decode(Int.self, "n") == 8)
                // One process applied them all; the other found nothing left to apply.
                let applied = processes.map { process in
                    process.standardOutput.split(separator: "\n").first { $0.contains("database schema is current") }.map(String.init) ?? ""
                }
                #expect(applied.filter { $0.contains(#""applied":"[1, 2, 3, 4, 5]""#) }.count == 1, "\(applied)")
                #expect(applied.filter { $0.contains(#""applied":"[]""#) }.count == 1, "\(applied)")

                // Each serves orders from its schema.
                let reply = try await HTTPProbe.request(
                    "POST", "http://127.0.0.1:\(ports[1])/orders",
                    body: Data(#"{"customerId":"schema-test","items":[{"sku":"SKU-1","qty":1}]}"#.utf8),
                    headers: ["Content-Type": "application/json"])
                #expect(reply.status == 201, "\(reply.text)")
                let orders = try await pipeline.database.query("SELECT count(*)::int8 AS n FROM \(schema).orders")
                #expect(try orders.first?.decode(Int.self, "n") == 1)
            } catch {
                for process in processes { _ = try? await process.terminate(timeout: .seconds(20)) }
                _ = try? await pipeline.database.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE")
                await pipeline.stop()
                throw error
            }
            for process in processes {
                let status = try await process.terminate(timeout: .seconds(20))
                #expect(status == 0, "\(process.logTail)")
            }
            // The order's event went to the shared broker, where no processor of this schema
            // will take it: cleared, so the next test's processor does not meet an order it
            // cannot find (and retry it into that test's counts).
            try await pipeline.purgeQueue("order-processor.work")
            _ = try await pipeline.database.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE")
            await pipeline.stop()
        }
    }
}
