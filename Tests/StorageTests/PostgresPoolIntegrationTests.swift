import Foundation
import MetricsTestKit
import Storage
import Testing
import TestSupport

extension IntegrationTests {
    @Suite struct PostgresPoolIntegrationTests {
        @Test func fiftyConcurrentTasksShareASmallPool() async throws {
            let metrics = TestMetrics()
            try await TestDatabase.withSchema(maxConnections: 5, metricsFactory: metrics) { pool, configuration in
                let results = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                    for value in 0..<50 {
                        group.addTask {
                            let rows = try await pool.query("SELECT $1::int8 * 2 AS doubled, pg_sleep(0.01)", [value])
                            return (value, try rows[0].decode(Int.self, "doubled"))
                        }
                    }
                    var results: [Int: Int] = [:]
                    for try await (value, doubled) in group { results[value] = doubled }
                    return results
                }
                #expect(results.count == 50)
                #expect(results.allSatisfy { $0.value == $0.key * 2 })

                #expect((1...5).contains(try await TestDatabase.sessions(of: configuration)))

                #expect(try metrics.expectGauge("conveyor_db_pool_connections_in_use").lastValue == 0)
                #expect(try metrics.expectGauge("conveyor_db_pool_connections_open").values.allSatisfy { $0 <= 5 })
                #expect(try metrics.expectTimer("conveyor_db_pool_wait_seconds").values.count == 50)
            }
        }

        @Test func connectionsIdleForLongerThanTheTimeoutAreClosedDownToOne() async throws {
            let metrics = TestMetrics()
            try await TestDatabase.withSchema(maxConnections: 4, idleTimeout: .milliseconds(500), metricsFactory: metrics) { pool, configuration in
                let sessions: @Sendable () async throws -> Int = { try await TestDatabase.sessions(of: configuration) }
                try await withServices([pool], logger: TestDatabase.logger) {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for _ in 0..<4 {
                            group.addTask { _ = try await pool.query("SELECT pg_sleep(0.5)") }
                        }
                        try await group.waitForAll()
                    }
                    let mostOpen = try metrics.expectGauge("conveyor_db_pool_connections_open").values.max() ?? 0
                    #expect(mostOpen >= 2, "the four calls at once should have opened more than one connection")
                    let closed = await TestStack.eventually(within: .seconds(20)) { (try? await sessions()) == 1 }
                    let open = (try? await sessions()) ?? -1
                    #expect(closed, "\(open) sessions still open")
                    #expect(try metrics.expectGauge("conveyor_db_pool_connections_open").lastValue == 1)
                    // The one kept open still serves, and is not closed however long it idles.
                    #expect(try await pool.query("SELECT 1 AS one")[0].decode(Int.self, "one") == 1)
                    try await Task.sleep(for: .seconds(1))
                    #expect(try await sessions() == 1)
                }
            }
        }

        @Test func waitingForABusyPoolTimesOut() async throws {
            try await TestDatabase.withSchema(maxConnections: 1, acquireTimeout: .milliseconds(300)) { pool, _ in
                // The one connection stays lent until the checks are done, so a call that does
                // not time out waits until `within` gives up.
                let (held, holding) = AsyncStream.makeStream(of: Void.self)
                let (release, releasing) = AsyncStream.makeStream(of: Void.self)
                async let holder: Void = pool.withConnection { connection in
                    _ = try await connection.query("SELECT 1")
                    holding.yield()
                    _ = await release.first { _ in true }
                }
                defer { releasing.finish() }
                try await within(.seconds(10), "the connection lent") { _ = await held.first { _ in true } }
                for attempt in 1...2 {
                    let start = ContinuousClock.now
                    let error = try await within(.seconds(10), "acquire \(attempt) timing out") {
                        await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
                    }
                    #expect(error?.kind == .acquireTimeout)
                    #expect(ContinuousClock.now - start >= .milliseconds(300))
                }
                releasing.yield()
                try await holder
                #expect(try await pool.query("SELECT 1 AS one")[0].decode(Int.self, "one") == 1)
            }
        }

        @Test func aBrokenConnectionIsReplaced() async throws {
            try await TestDatabase.withSchema(maxConnections: 1) { pool, _ in
                let firstPID = try await pool.query("SELECT pg_backend_pid() AS pid")[0].decode(Int32.self, "pid")
                do {
                    _ = try await pool.query("SELECT pg_terminate_backend(pg_backend_pid())")
                    Issue.record("terminating the backend should fail the statement")
                } catch let error as PostgresError {
                    #expect(error.isConnectionFailure)
                }
                let secondPID = try await pool.query("SELECT pg_backend_pid() AS pid")[0].decode(Int32.self, "pid")
                #expect(secondPID != firstPID)
            }
        }

        @Test func serverErrorsCarryTheirFields() async throws {
            try await TestDatabase.withSchema { pool, _ in
                try await pool.execute("CREATE TABLE items (sku text PRIMARY KEY, qty int CHECK (qty > 0))")
                #expect(try await pool.execute("INSERT INTO items VALUES ($1, $2), ($3, $4)", ["a", 1, "b", 2]) == 2)
                do {
                    try await pool.execute("INSERT INTO items VALUES ($1, $2)", ["a", 3])
                    Issue.record("duplicate key accepted")
                } catch let error as PostgresError {
                    #expect(error.isUniqueViolation)
                    #expect(error.constraintName == "items_pkey")
                    #expect(error.tableName == "items")
                    #expect(error.detail?.contains("(sku)=(a)") == true)
                }
                do {
                    try await pool.execute("INSERT INTO items VALUES ($1, $2)", ["c", 0])
                    Issue.record("check constraint ignored")
                } catch let error as PostgresError {
                    #expect(error.isCheckViolation)
                }
                do {
                    _ = try await pool.query("SELEC 1")
                    Issue.record("syntax error accepted")
                } catch let error as PostgresError {
                    #expect(error.kind == .server)
                    #expect(error.sqlState == "42601")
                }
                #expect(try await pool.execute("UPDATE items SET qty = qty + 1") == 2)
                #expect(try await pool.execute("DELETE FROM items WHERE sku = $1", ["zzz"]) == 0)
            }
        }

        @Test func valuesRoundTripThroughTheServer() async throws {
            try await TestDatabase.withSchema { pool, _ in
                let id = UUID()
                let date = Date(timeIntervalSince1970: 1_714_566_896.123456)
                let amount = try #require(Decimal(string: "1234567890.0123456789"))
                let document = try PostgresJSON(encoding: ["order": id.uuidString])
                let missing: String? = nil
                let rows = try await pool.query(
                    """
                    SELECT $1::text AS text, $2 AS int, $3::int4 AS int32, $4 AS bool, $5 AS id, $6 AS at,
                           $7 AS amount, $8 AS doc, $9 AS bytes, $10::text AS missing, 'x'::char(3) AS padded
                    """,
                    ["zażółć 'quoted' \"double\" \\ back", Int.min, Int32.max, true, id, date, amount, document,
                     [UInt8]([0, 1, 254, 255]), missing]
                )
                let row = try #require(rows.first)
                #expect(try row.decode(String.self, "text") == "zażółć 'quoted' \"double\" \\ back")
                #expect(try row.decode(Int.self, "int") == Int.min)
                #expect(try row.decode(Int32.self, "int32") == Int32.max)
                #expect(try row.decode(Bool.self, "bool"))
                #expect(try row.decode(UUID.self, "id") == id)
                #expect(try row.decode(Date.self, "at") == date)
                #expect(try row.decode(Decimal.self, "amount") == amount)
                #expect(try row.decode(PostgresJSON.self, "doc").decode([String: String].self) == ["order": id.uuidString])
                #expect(try row.decode([UInt8].self, "bytes") == [0, 1, 254, 255])
                #expect(try row.decode(String?.self, "missing") == nil)
                #expect(try row.decode(String.self, "padded") == "x  ")
                #expect(rows.columns.map(\.type) == [.text, .int8, .int4, .bool, .uuid, .timestamptz, .numeric, .jsonb, .bytea, .text, .bpchar])
            }
        }

        @Test func arraysRoundTripThroughUnnest() async throws {
            try await TestDatabase.withSchema { pool, _ in
                let texts: [String?] = ["plain", "zażółć \"double\" \\ back, {braces}", nil, "NULL", ""]
                let dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_714_566_896.123456)]
                let rows = try await pool.query(
                    """
                    SELECT t.value, t.position FROM unnest($1::text[]) WITH ORDINALITY AS t(value, position) ORDER BY t.position
                    """,
                    [PostgresArray(texts)])
                #expect(try rows.map { try $0.decode(String?.self, "value") } == texts)
                let typed = try await pool.query(
                    "SELECT (SELECT array_agg(d ORDER BY d) FROM unnest($1::timestamptz[]) d) = $1::timestamptz[] AS same, cardinality($2::int8[]) AS n",
                    [PostgresArray(dates), PostgresArray([Int64.min, 0, Int64.max])])
                #expect(try typed[0].decode(Bool.self, "same"))
                #expect(try typed[0].decode(Int.self, "n") == 3)
                #expect(PostgresArray([String]()).postgresText == "{}")
            }
        }

        @Test func preparedStatementsOutliveRollbacksAndRunTimeSQLStaysBounded() async throws {
            try await TestDatabase.withSchema(maxConnections: 1) { pool, _ in
                let sql = "SELECT $1::int8 + 1 AS next"
                // Prepared inside a transaction that rolls back, then used again outside it.
                await #expect(throws: PostgresError.self) {
                    try await pool.withTransaction { transaction in
                        #expect(try await transaction.query(sql, [1])[0].decode(Int.self, "next") == 2)
                        try await transaction.execute("SELECT 1 / 0")
                    }
                }
                #expect(try await pool.query(sql, [41])[0].decode(Int.self, "next") == 42)
                // A failed statement leaves the session usable, and fails again the same way.
                for _ in 0..<2 {
                    await #expect(throws: PostgresError.self) { try await pool.query("SELECT * FROM no_such_table") }
                }
                // More distinct statements than a session keeps prepared all still run.
                for value in 0..<300 {
                    let rows = try await pool.query("SELECT \(value) + $1::int8 AS total", [1])
                    #expect(try rows[0].decode(Int.self, "total") == value + 1)
                }
                let statements = try await pool.query("SELECT count(*)::int8 AS n FROM pg_prepared_statements")
                #expect(try statements[0].decode(Int.self, "n") <= 256)
                // The same text with other parameter types is another statement.
                #expect(try await pool.query("SELECT $1 AS value", ["text"])[0].decode(String.self, "value") == "text")
                #expect(try await pool.query("SELECT $1 AS value", [7])[0].decode(Int.self, "value") == 7)
            }
        }

        @Test func noticesGoToTheLoggerNotStderr() async throws {
            try await TestDatabase.withSchema { pool, _ in
                // A NOTICE must not break the statement or the connection.
                try await pool.execute("DO $$ BEGIN RAISE NOTICE 'hello from plpgsql'; END $$")
                #expect(try await pool.query("SELECT 1 AS one")[0].decode(Int.self, "one") == 1)
            }
        }
    }
}
