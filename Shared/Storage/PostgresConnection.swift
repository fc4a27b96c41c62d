import CLibPQ
import ConveyorRuntime
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// One PostgreSQL session, served by its own OS thread.
///
/// The actor runs on a ``DedicatedThreadExecutor``: libpq's blocking calls happen on that
/// thread, never on Swift's cooperative pool, and the `PGconn` is ordinary isolated state.
/// Most code uses a ``PostgresPool`` instead of connections directly.
///
///     let connection = try await PostgresConnection.connect(configuration: configuration, logger: logger)
///     let rows = try await connection.query("SELECT 1 AS one")
///     await connection.close()
public actor PostgresConnection: PostgresQuerying {
    /// Where the connection goes.
    public nonisolated let configuration: PostgresConfiguration
    nonisolated let executor: DedicatedThreadExecutor
    let logger: Logger
    var handle: OpaquePointer?
    private var isClosed = false
    private var noticeSink: NoticeSink?
    private var cancelRequest: CancelRequest?
    /// Statements prepared on this session, by their text and parameter types.
    private var prepared: [PreparedStatementKey: String] = [:]
    /// The most statements a session keeps prepared; the rest run unnamed (parsed and planned
    /// each time), so statements built at run time cannot grow the server's memory without bound.
    static let preparedStatementLimit = 256

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    /// Creates an unconnected connection and its thread; call ``connect()`` next.
    public init(configuration: PostgresConfiguration, logger: Logger) {
        self.configuration = configuration
        self.executor = DedicatedThreadExecutor(name: "pg-connection")
        var logger = logger
        logger[metadataKey: "db.host"] = "\(configuration.host):\(configuration.port)"
        self.logger = logger
    }

    /// Creates a connection and connects it.
    ///
    /// - Throws: ``PostgresError`` of kind ``PostgresError/Kind/connectionFailed`` with
    ///   libpq's message when the server cannot be reached or refuses the login.
    public static func connect(configuration: PostgresConfiguration, logger: Logger) async throws -> PostgresConnection {
        let connection = PostgresConnection(configuration: configuration, logger: logger)
        do {
            try await connection.connect()
        } catch {
            await connection.close()
            throw error
        }
        return connection
    }

    /// Runs on the connection's thread, which ends after it.
    isolated deinit {
        if let handle { PQfinish(handle) }
        executor.shutdown()
    }

    /// Opens the session (blocking this connection's thread for at most the connect timeout).
    public func connect() async throws {
        guard !isClosed else { throw PostgresError(kind: .closed, message: "the connection is closed") }
        guard handle == nil else { return }
        let parameters = configuration.connectionParameters
        let keywords = parameters.map { strdup($0.keyword) } + [nil]
        let values = parameters.map { strdup($0.value) } + [nil]
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        let constKeywords = keywords.map { $0.map { UnsafePointer($0) } }
        let constValues = values.map { $0.map { UnsafePointer($0) } }
        let connection: OpaquePointer? = PQconnectdbParams(constKeywords, constValues, 0)
        guard let connection else {
            throw PostgresError(kind: .connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(connection))
            PQfinish(connection)
            throw PostgresError(kind: .connectionFailed, message: message)
        }
        let sink = NoticeSink(logger: logger)
        PQsetNoticeReceiver(connection, { argument, result in
            guard let argument, let result else { return }
            Unmanaged<NoticeSink>.fromOpaque(argument).takeUnretainedValue().receive(result)
        }, Unmanaged.passUnretained(sink).toOpaque())
        noticeSink = sink
        cancelRequest = PQgetCancel(connection).map(CancelRequest.init)
        handle = connection
        logger.debug("connected to PostgreSQL", metadata: ["db.backend_pid": "\(PQbackendPID(connection))"])
    }

    /// Ends the session. Later calls throw ``PostgresError/Kind/closed``.
    public func close() {
        isClosed = true
        cancelRequest = nil
        prepared = [:]
        if let handle {
            PQfinish(handle)
            self.handle = nil
        }
        noticeSink = nil
    }

    /// Runs one statement with `$1`, `$2`, … bound to `parameters` and returns its rows.
    ///
    /// Cancelling the calling task sends the server a cancel request for the running statement.
    public func query(_ sql: String, _ parameters: [any PostgresBindable]) async throws -> PostgresRows {
        try await run(sql, parameters, cancellable: true)
    }

    /// Runs one statement and returns the number of rows it inserted, updated or deleted.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [any PostgresBindable]) async throws -> Int {
        try await run(sql, parameters, cancellable: true).affectedRows
    }

    /// True when the session is open and idle outside a transaction, so the pool may lend
    /// it again.
    public var isReusable: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK && PQtransactionStatus(handle) == PQTRANS_IDLE
    }

    /// Checks, without blocking, whether the server has closed an idle session (for example
    /// after a restart): reads whatever the socket has and reports whether the session is
    /// still good.
    func isHealthy() -> Bool {
        guard let handle, PQstatus(handle) == CONNECTION_OK else { return false }
        // A server that shuts down first sends a FATAL message, then closes the socket: keep
        // reading while the socket has something, so the end of the stream is seen too.
        for _ in 0..<4 {
            var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 0)
            if ready < 0 { return false }
            if ready == 0 { break }
            guard PQconsumeInput(handle) == 1, PQstatus(handle) == CONNECTION_OK else { return false }
        }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// Runs `sql` on this thread. With `cancellable`, a cancellation of the calling task
    /// sends the server a cancel request (not for ROLLBACK, which must run to the end).
    func run(_ sql: String, _ parameters: [any PostgresBindable], cancellable: Bool) async throws -> PostgresRows {
        let handle = try openHandle()
        guard cancellable, let cancelRequest else {
            return try execute(sql, parameters, on: handle)
        }
        cancelRequest.begin()
        defer { cancelRequest.end() }
        return try await withTaskCancellationHandler {
            try execute(sql, parameters, on: handle)
        } onCancel: {
            cancelRequest.send()
        }
    }

    /// Runs a script of one or more statements without parameters (the simple query
    /// protocol), as migrations need. Never build `sql` from outside input.
    func runScript(_ sql: String) throws {
        let handle = try openHandle()
        guard let result = PQexec(handle, sql) else { throw connectionError(handle) }
        defer { PQclear(result) }
        try check(result, on: handle)
    }

    func openHandle() throws -> OpaquePointer {
        guard let handle else {
            throw PostgresError(kind: isClosed ? .closed : .connectionFailed, message: isClosed ? "the connection is closed" : "not connected")
        }
        return handle
    }

    /// Runs a statement with the extended protocol. The first run of a statement on this
    /// session prepares it (named, so the server parses it once and can reuse its plan); later
    /// runs only bind and execute.
    private func execute(_ sql: String, _ parameters: [any PostgresBindable], on handle: OpaquePointer) throws -> PostgresRows {
        let types = parameters.map { type(of: $0).postgresType.rawValue }
        let texts = parameters.map { parameter in parameter.postgresText.map { strdup($0) } ?? nil }
        defer { texts.forEach { free($0) } }
        let constTexts = texts.map { $0.map { UnsafePointer($0) } }
        let result: OpaquePointer?
        if let name = try preparedStatement(sql, types: types, on: handle) {
            result = PQexecPrepared(handle, name, Int32(parameters.count), constTexts, nil, nil, 0)
        } else {
            result = PQexecParams(handle, sql, Int32(parameters.count), types, constTexts, nil, nil, 0)
        }
        guard let result else { throw connectionError(handle) }
        defer { PQclear(result) }
        try check(result, on: handle)
        return PostgresRows(result: result)
    }

    /// The name of `sql` prepared on this session, preparing it first if needed; nil once the
    /// session holds ``preparedStatementLimit`` statements. Prepared statements belong to the
    /// session, not to a transaction: a rollback keeps them.
    private func preparedStatement(_ sql: String, types: [UInt32], on handle: OpaquePointer) throws -> String? {
        let key = PreparedStatementKey(sql: sql, types: types)
        if let name = prepared[key] { return name }
        guard prepared.count < Self.preparedStatementLimit else { return nil }
        let name = "conveyor_\(prepared.count + 1)"
        guard let result = PQprepare(handle, name, sql, Int32(types.count), types) else { throw connectionError(handle) }
        defer { PQclear(result) }
        try check(result, on: handle)
        prepared[key] = name
        return name
    }

    private func check(_ result: OpaquePointer, on handle: OpaquePointer) throws {
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR, PGRES_BAD_RESPONSE:
            throw PostgresError(result: result, connectionLost: PQstatus(handle) != CONNECTION_OK)
        default:
            let status = String(cString: PQresStatus(PQresultStatus(result)))
            throw PostgresError(kind: .unexpectedResult, message: "result status \(status) is not supported")
        }
    }

    func connectionError(_ handle: OpaquePointer) -> PostgresError {
        PostgresError(kind: .connectionFailed, message: Self.trimmed(PQerrorMessage(handle)))
    }

    static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown libpq error" }
        let text = String(cString: message).trimmingWhitespace()
        return text.isEmpty ? "unknown libpq error" : text
    }
}
