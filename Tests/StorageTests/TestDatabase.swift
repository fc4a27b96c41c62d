import Foundation
import Logging
import Metrics
import Storage
import Testing
import TestSupport

/// Access to the integration-test PostgreSQL server and the stack that runs it.
///
/// `CONVEYOR_TEST_POSTGRES_URL`: a PostgreSQL 15+ URL for a role that can create schemas.
/// `CONVEYOR_TEST_STACK`: a command taking `stop-db`, `start-db` or `restart-db`.
/// A missing variable or an unreachable server fails the tests; they never skip.
enum TestDatabase {
    struct SetupError: Error, CustomStringConvertible {
        var description: String
    }

    static let logger: Logger = {
        var logger = Logger(label: "conveyor.storage.tests")
        logger.logLevel = .warning
        return logger
    }()

    static func configuration() throws -> PostgresConfiguration {
        guard let url = ProcessInfo.processInfo.environment["CONVEYOR_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw SetupError(
                description: "CONVEYOR_TEST_POSTGRES_URL is not set: the Storage integration tests need a PostgreSQL 15 URL, "
                    + "for example postgres://conveyor:secret@127.0.0.1:5442/conveyor?sslmode=disable"
            )
        }
        return try PostgresConfiguration(url: url)
    }

    /// A connection for setup and cleanup, outside any test schema.
    static func adminConnection() async throws -> PostgresConnection {
        var configuration = try configuration()
        configuration.applicationName = "storage-tests-admin"
        do {
            return try await PostgresConnection.connect(configuration: configuration, logger: logger)
        } catch {
            throw SetupError(description: "the integration-test PostgreSQL (\(configuration)) is unreachable: \(error)")
        }
    }

    /// The server's sessions whose application name is `configuration`'s.
    static func sessions(of configuration: PostgresConfiguration) async throws -> Int {
        let admin = try await adminConnection()
        let rows: PostgresRows
        do {
            rows = try await admin.query(
                "SELECT count(*)::int8 AS n FROM pg_stat_activity WHERE application_name = $1", [configuration.applicationName ?? ""])
        } catch {
            await admin.close()
            throw error
        }
        await admin.close()
        return try rows[0].decode(Int.self, "n")
    }

    /// Runs `body` with a pool whose connections use a fresh schema, dropped afterwards.
    static func withSchema<T>(
        maxConnections: Int = 4,
        acquireTimeout: Duration = .seconds(10),
        idleTimeout: Duration? = nil,
        metricsFactory: any MetricsFactory = NOOPMetricsHandler.instance,
        _ body: (PostgresPool, PostgresConfiguration) async throws -> T
    ) async throws -> T {
        let schema = "storage_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        let admin = try await adminConnection()
        try await admin.execute("CREATE SCHEMA \(schema)")
        await admin.close()

        var configuration = try configuration()
        configuration.searchPath = [String(schema)]
        configuration.applicationName = String(schema)
        let pool = PostgresPool(
            configuration: .init(
                connection: configuration, maxConnections: maxConnections, acquireTimeout: acquireTimeout, idleTimeout: idleTimeout),
            logger: logger,
            metricsFactory: metricsFactory
        )
        let result: Result<T, any Error>
        do {
            result = .success(try await body(pool, configuration))
        } catch {
            result = .failure(error)
        }
        await pool.close()
        try await dropSchema(String(schema))
        return try result.get()
    }

    /// Drops `schema`, retrying for a while in case a test left the server restarting.
    static func dropSchema(_ schema: String) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            do {
                let admin = try await adminConnection()
                try await admin.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE")
                await admin.close()
                return
            } catch {
                guard ContinuousClock.now < deadline else { throw error }
                try await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    /// Runs `$CONVEYOR_TEST_STACK action`.
    static func stack(_ action: String) async throws {
        try await TestStack.run(action)
    }

    static func eventually(within timeout: Duration, _ condition: () async -> Bool) async -> Bool {
        await TestStack.eventually(within: timeout, condition)
    }
}
