import Logging

/// Applies versioned SQL migrations at start-up, safely from any number of processes at once.
///
/// Under a session-level advisory lock (keyed by the schema name), the migrator creates the
/// schema and its `schema_migrations` table when missing, checks that every applied migration
/// still has its file with unchanged content (an MD5 checksum computed by the server), then
/// applies the missing ones in version order, each in its own transaction together with its
/// `schema_migrations` row. Running it again changes nothing.
///
///     try await PostgresMigrator(migrations: PostgresMigration.bundled(), logger: logger).migrate(on: pool)
public struct PostgresMigrator: Sendable {
    public let migrations: [PostgresMigration]
    /// The schema the migrations and `schema_migrations` live in (default `public`).
    public let schema: String
    /// How long to wait for another process's migration run before failing (default 5 min).
    public let lockTimeout: Duration
    private let logger: Logger

    public init(
        migrations: [PostgresMigration],
        schema: String = "public",
        lockTimeout: Duration = .seconds(300),
        logger: Logger
    ) {
        precondition(!schema.isEmpty, "the schema name must not be empty")
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.schema = schema
        self.lockTimeout = lockTimeout
        self.logger = logger
    }

    /// Applies what is missing and returns the migrations it applied (empty when none).
    ///
    /// - Throws: ``PostgresMigrationError`` for an inconsistent history or a failing migration,
    ///   ``PostgresError`` for a database problem (for example a lock timeout).
    @discardableResult
    public func migrate(on pool: PostgresPool) async throws -> [PostgresMigration] {
        try checkVersionsAreUnique()
        return try await pool.withConnection { connection in
            let lockKey = "conveyor.migrations." + schema
            _ = try await connection.query(
                "SELECT set_config('lock_timeout', $1, false)",
                ["\(Int(lockTimeout.seconds * 1000))ms"]
            )
            _ = try await connection.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [lockKey])
            do {
                _ = try await connection.query("RESET lock_timeout")
                let applied = try await applyPending(on: connection)
                _ = try await connection.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [lockKey])
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [lockKey])
                throw error
            }
        }
    }

    private func applyPending(on connection: PostgresConnection) async throws -> [PostgresMigration] {
        let quotedSchema = PostgresConfiguration.quotedIdentifier(schema)
        let table = "\(quotedSchema).schema_migrations"
        try await connection.runScript(
            """
            CREATE SCHEMA IF NOT EXISTS \(quotedSchema);
            CREATE TABLE IF NOT EXISTS \(table) (
                version    integer     PRIMARY KEY,
                name       text        NOT NULL,
                checksum   text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            );
            """
        )
        var applied: [Int: (name: String, checksum: String)] = [:]
        for row in try await connection.query("SELECT version, name, checksum FROM \(table) ORDER BY version") {
            applied[try row.decode(Int.self, "version")] = (try row.decode(String.self, "name"), try row.decode(String.self, "checksum"))
        }
        var checksums: [Int: String] = [:]
        for migration in migrations {
            let rows = try await connection.query("SELECT md5($1) AS checksum", [migration.sql])
            checksums[migration.version] = try rows[0].decode(String.self, "checksum")
        }

        let known = Set(migrations.map(\.version))
        if let unknown = applied.keys.sorted().first(where: { !known.contains($0) }) {
            throw PostgresMigrationError.unknownAppliedVersion(unknown, name: applied[unknown]?.name ?? "")
        }
        for migration in migrations {
            if let record = applied[migration.version], let current = checksums[migration.version], record.checksum != current {
                throw PostgresMigrationError.checksumMismatch(fileName: migration.fileName, applied: record.checksum, current: current)
            }
        }
        let latest = applied.keys.max() ?? 0
        let pending = migrations.filter { applied[$0.version] == nil }
        if let early = pending.first(where: { $0.version < latest }) {
            throw PostgresMigrationError.outOfOrder(fileName: early.fileName, latestApplied: latest)
        }

        for migration in pending {
            logger.info("applying migration", metadata: ["migration": "\(migration.fileName)", "schema": "\(schema)"])
            do {
                try await connection.runScript("BEGIN; SET LOCAL search_path TO \(quotedSchema)")
                try await connection.runScript(migration.sql)
                _ = try await connection.query(
                    "INSERT INTO \(table) (version, name, checksum) VALUES ($1, $2, $3)",
                    [migration.version, migration.name, checksums[migration.version] ?? ""]
                )
                try await connection.runScript("COMMIT")
            } catch let error as PostgresError {
                try? await connection.runScript("ROLLBACK")
                throw PostgresMigrationError.failed(fileName: migration.fileName, error)
            }
        }
        if pending.isEmpty {
            logger.debug("database schema is up to date", metadata: ["schema": "\(schema)", "version": "\(latest)"])
        }
        return pending
    }

    private func checkVersionsAreUnique() throws {
        let byVersion = Dictionary(grouping: migrations, by: \.version)
        if let (version, files) = byVersion.first(where: { $0.value.count > 1 }) {
            throw PostgresMigrationError.duplicateVersion(version, files: files.map(\.fileName).sorted())
        }
    }
}
