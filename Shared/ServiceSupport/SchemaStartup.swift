import ConveyorRuntime
import Logging
import Metrics
import Storage

/// Makes sure the database schema is current before a service starts work.
///
/// With a migration role configured it applies pending migrations (every replica may try; the
/// migrator's advisory lock lets one apply them). Without one it waits until another process
/// has. Either way it retries with backoff while the database is unreachable, up to the
/// start-up timeout.
public struct SchemaStartup: Sendable {
    public var settings: DatabaseSettings
    public var logger: Logger

    public init(settings: DatabaseSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    /// Returns once the schema holds every bundled migration; throws when the timeout passes
    /// or a migration is inconsistent (an edited file is never retried).
    public func prepare(using pool: PostgresPool) async throws {
        let migrations = try PostgresMigration.bundled()
        let latest = migrations.map(\.version).max() ?? 0
        let deadline = ContinuousClock.now + settings.startupTimeout
        var backoff = Backoff(initial: .milliseconds(200), maximum: .seconds(5))
        while true {
            do {
                if let migration = settings.migration {
                    let applied = try await apply(migrations, as: migration)
                    logger.info(
                        "database schema is current", metadata: ["applied": "\(applied.map(\.version))", "version": "\(latest)"])
                    return
                }
                let current = try await currentVersion(pool)
                if current >= latest {
                    logger.info("database schema is current", metadata: ["version": "\(current)"])
                    return
                }
                throw SchemaNotReady(current: current, expected: latest)
            } catch let error as PostgresMigrationError {
                throw error
            } catch {
                guard ContinuousClock.now < deadline else {
                    logger.error("database not ready before the start-up timeout", metadata: ["error": "\(error)"])
                    throw error
                }
                let delay = backoff.next()
                logger.warning(
                    "waiting for the database", metadata: ["error": "\(error)", "retryIn": "\(DurationParser.format(delay))"])
                try await Task.sleep(for: delay)
            }
        }
    }

    /// Applies the migrations over a connection of the migration role, closed afterwards.
    private func apply(_ migrations: [PostgresMigration], as role: PostgresConfiguration) async throws -> [PostgresMigration] {
        // Its metrics go nowhere: under the same names as the service's own pool, this
        // short-lived pool of one would overwrite that pool's size and connection gauges.
        let pool = PostgresPool(
            configuration: .init(connection: role, maxConnections: 1), logger: logger, metricsFactory: NOOPMetricsHandler.instance)
        do {
            let applied = try await PostgresMigrator(migrations: migrations, schema: settings.schema, logger: logger).migrate(on: pool)
            await pool.close()
            return applied
        } catch {
            await pool.close()
            throw error
        }
    }

    private func currentVersion(_ pool: PostgresPool) async throws -> Int {
        let rows = try await pool.query("SELECT coalesce(max(version), 0)::bigint AS version FROM schema_migrations", [])
        return try rows.first?.decode(Int.self, "version") ?? 0
    }
}

/// The schema is older than this build of the service expects.
struct SchemaNotReady: Error, CustomStringConvertible {
    var current: Int
    var expected: Int
    var description: String {
        "schema is at migration \(current), this service needs \(expected): waiting for a process with DATABASE_MIGRATION_URL to apply them"
    }
}
