import Storage

/// How a service reaches PostgreSQL.
///
/// - `DATABASE_URL` (required): `postgres://user:password@host:5432/database?sslmode=prefer`,
///   the service's own role.
/// - `DATABASE_POOL_SIZE`: connections at most, 1–200; default 10.
/// - `DATABASE_POOL_IDLE_TIMEOUT`: a connection idle for longer is closed, down to one;
///   default 1m.
/// - `DATABASE_MIGRATION_URL`: a role allowed to create tables. When set, the service applies
///   pending migrations at start-up (safe from every replica at once); when not, it waits
///   until another process has applied them.
/// - `DATABASE_STARTUP_TIMEOUT`: how long start-up waits for the database and its migrations
///   before giving up; default 2m.
/// - `DATABASE_SCHEMA`: the schema holding Conveyor's tables, created by the migrations when
///   missing; default `public`. Another schema lets several Conveyor systems share a database.
public struct DatabaseSettings: Sendable {
    public var pool: PostgresPool.Configuration
    public var migration: PostgresConfiguration?
    public var startupTimeout: Duration
    public var schema: String

    public init(reader: inout ConfigurationReader, applicationName: String) {
        let url = reader.url("DATABASE_URL", schemes: ["postgres", "postgresql"])
        let connection = Self.parse(url, variable: "DATABASE_URL", applicationName: applicationName, reader: &reader)
        let size = reader.int("DATABASE_POOL_SIZE", default: 10, range: 1...200)
        let idleTimeout = reader.duration("DATABASE_POOL_IDLE_TIMEOUT", default: .seconds(60), range: .seconds(1)...(.seconds(86_400)))
        pool = PostgresPool.Configuration(connection: connection, maxConnections: size, idleTimeout: idleTimeout)
        if reader.raw("DATABASE_MIGRATION_URL") != nil {
            let migrationURL = reader.url("DATABASE_MIGRATION_URL", schemes: ["postgres", "postgresql"])
            migration = Self.parse(migrationURL, variable: "DATABASE_MIGRATION_URL", applicationName: applicationName + "-migrations", reader: &reader)
        } else {
            migration = nil
        }
        startupTimeout = reader.duration("DATABASE_STARTUP_TIMEOUT", default: .seconds(120), range: .seconds(1)...(.seconds(3600)))
        schema = reader.string("DATABASE_SCHEMA", default: "public")
        if !Self.isPlainIdentifier(schema) {
            reader.report(
                "DATABASE_SCHEMA", expected: "a schema name of lower-case letters, digits and '_', starting with a letter or '_'",
                found: schema)
        } else if schema != "public" {
            pool.connection.searchPath = [schema]
            migration?.searchPath = [schema]
        }
    }

    /// An identifier PostgreSQL takes as it is, unquoted, at most 63 bytes.
    static func isPlainIdentifier(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= 63 else { return false }
        let letter = { (byte: UInt8) in (0x61...0x7A).contains(byte) || byte == UInt8(ascii: "_") }
        return letter(first) && name.utf8.allSatisfy { letter($0) || (0x30...0x39).contains($0) }
    }

    private static func parse(
        _ url: String, variable: String, applicationName: String, reader: inout ConfigurationReader
    ) -> PostgresConfiguration {
        guard !url.isEmpty else { return PostgresConfiguration(host: "localhost", user: "conveyor", database: "conveyor") }
        do {
            var configuration = try PostgresConfiguration(url: url)
            if configuration.applicationName == nil {
                configuration.applicationName = applicationName
            }
            return configuration
        } catch {
            reader.report(variable, expected: "a PostgreSQL URL like postgres://user:password@host:5432/database (\(error))")
            return PostgresConfiguration(host: "localhost", user: "conveyor", database: "conveyor")
        }
    }
}
