import Logging
import Metrics

/// The state of a ``PostgresPool``: idle connections, the count lent out and being opened,
/// the FIFO line of waiting calls, and whether the server is reachable.
actor PoolConnections {
    /// An idle connection and since when it has been idle.
    private struct IdleConnection {
        let connection: PostgresConnection
        let since: ContinuousClock.Instant
    }

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<PostgresConnection, any Error>
        let timeout: Task<Void, Never>
    }

    let configuration: PostgresPool.Configuration
    let logger: Logger
    let metrics: PostgresPoolMetrics
    /// The least recently used first: calls take the most recently used (the last).
    private var idle: [IdleConnection] = []
    private var leased = 0
    private var openCount = 0
    private var opening = 0
    private var waiters: [Waiter] = []
    private var nextWaiterID: UInt64 = 0
    private var unavailableError: PostgresError?
    private var reconnection: Task<Void, Never>?
    private var isClosed = false

    init(configuration: PostgresPool.Configuration, logger: Logger, metrics: PostgresPoolMetrics) {
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
    }

    /// Closes idle connections and fails waiting and later calls with
    /// ``PostgresError/Kind/closed``. Connections in use close when they are returned.
    func close() async {
        guard !isClosed else { return }
        isClosed = true
        reconnection?.cancel()
        reconnection = nil
        failWaiters(with: PostgresError(kind: .closed, message: "the connection pool is closed"))
        let closing = idle
        idle.removeAll()
        openCount -= closing.count
        updateGauges()
        for entry in closing {
            await entry.connection.close()
        }
    }

    /// Closes the connections idle for longer than `timeout`, least recently used first, but
    /// keeps one open. Returns how many it closed.
    func closeIdle(longerThan timeout: Duration) async -> Int {
        let cutoff = ContinuousClock.now - timeout
        var closing: [PostgresConnection] = []
        while let oldest = idle.first, oldest.since < cutoff, openCount - closing.count > 1 {
            idle.removeFirst()
            closing.append(oldest.connection)
        }
        guard !closing.isEmpty else { return 0 }
        openCount -= closing.count
        updateGauges()
        for connection in closing {
            await connection.close()
        }
        return closing.count
    }

    /// True while calls fail fast because the server could not be reached.
    var isUnavailable: Bool { unavailableError != nil }

    // MARK: Lending

    func lease() async throws -> PostgresConnection {
        let start = ContinuousClock.now
        defer { metrics.wait.recordNanoseconds(Self.nanoseconds(ContinuousClock.now - start)) }
        while true {
            try checkLendable()
            guard let connection = idle.popLast()?.connection else { break }
            leased += 1
            if await connection.isHealthy() {
                updateGauges()
                return connection
            }
            logger.debug("dropping an idle PostgreSQL connection the server closed")
            leased -= 1
            openCount -= 1
            updateGauges()
            await connection.close()
        }
        let id = nextWaiterID
        nextWaiterID += 1
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                guard !Task.isCancelled else {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                let timeout = configuration.acquireTimeout
                let timer = Task { [weak self] in
                    guard (try? await Task.sleep(for: timeout)) != nil else { return }
                    await self?.expireWaiter(id)
                }
                waiters.append(Waiter(id: id, continuation: continuation, timeout: timer))
                openConnectionsForWaiters()
            }
        } onCancel: {
            Task { await self.removeWaiter(id, throwing: CancellationError()) }
        }
    }

    private func checkLendable() throws {
        if isClosed { throw PostgresError(kind: .closed, message: "the connection pool is closed") }
        if let unavailableError { throw unavailableError }
    }

    private func expireWaiter(_ id: UInt64) {
        let seconds = configuration.acquireTimeout.seconds
        removeWaiter(
            id,
            throwing: PostgresError(
                kind: .acquireTimeout,
                message: "no connection became free within \(seconds) s (all \(configuration.maxConnections) in use)"
            )
        )
    }

    private func removeWaiter(_ id: UInt64, throwing error: any Error) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        let waiter = waiters.remove(at: index)
        waiter.timeout.cancel()
        waiter.continuation.resume(throwing: error)
    }

    private func failWaiters(with error: PostgresError) {
        let failing = waiters
        waiters.removeAll()
        for waiter in failing {
            waiter.timeout.cancel()
            waiter.continuation.resume(throwing: error)
        }
    }

    /// Lends `connection` to the longest waiting call, or keeps it idle.
    private func handOver(_ connection: PostgresConnection) {
        guard !isClosed else {
            openCount -= 1
            updateGauges()
            Task { await connection.close() }
            return
        }
        if waiters.isEmpty {
            idle.append(IdleConnection(connection: connection, since: .now))
        } else {
            let waiter = waiters.removeFirst()
            waiter.timeout.cancel()
            leased += 1
            waiter.continuation.resume(returning: connection)
        }
        updateGauges()
    }

    func giveBack(_ connection: PostgresConnection) async {
        let reusable = await connection.isReusable
        leased -= 1
        if reusable {
            handOver(connection)
        } else {
            logger.debug("closing a PostgreSQL connection that is broken or was left in a transaction")
            openCount -= 1
            updateGauges()
            await connection.close()
            openConnectionsForWaiters()
        }
    }

    // MARK: Opening connections

    /// Starts as many connection attempts as waiting calls need and the limit allows.
    private func openConnectionsForWaiters() {
        while !isClosed, unavailableError == nil, waiters.count > opening,
            openCount + opening < configuration.maxConnections
        {
            opening += 1
            Task { await openConnection() }
        }
    }

    private func openConnection() async {
        let connection = PostgresConnection(configuration: configuration.connection, logger: logger)
        do {
            try await connection.connect()
            opening -= 1
            openCount += 1
            handOver(connection)
        } catch {
            opening -= 1
            await connection.close()
            becomeUnavailable(error)
        }
    }

    /// Fails calls fast from now on and retries connecting in the background.
    private func becomeUnavailable(_ cause: any Error) {
        guard !isClosed else { return }
        let reason = (cause as? PostgresError)?.message ?? "\(cause)"
        let error = PostgresError(
            kind: .unavailable,
            message: "cannot connect to \(configuration.connection.host):\(configuration.connection.port): \(reason)"
        )
        if unavailableError == nil {
            logger.error("PostgreSQL is unreachable; failing calls fast while reconnecting", metadata: ["error": "\(reason)"])
        }
        unavailableError = error
        metrics.unavailable.record(1)
        failWaiters(with: error)
        let stale = idle
        idle.removeAll()
        openCount -= stale.count
        updateGauges()
        for entry in stale {
            Task { await entry.connection.close() }
        }
        if reconnection == nil {
            reconnection = Task { await reconnect() }
        }
    }

    private func reconnect() async {
        var backoff = configuration.reconnectBackoff
        while !isClosed {
            guard (try? await Task.sleep(for: backoff.next())) != nil else { return }
            let connection = PostgresConnection(configuration: configuration.connection, logger: logger)
            do {
                try await connection.connect()
            } catch {
                await connection.close()
                guard !isClosed else { return }
                let reason = (error as? PostgresError)?.message ?? "\(error)"
                unavailableError = PostgresError(
                    kind: .unavailable,
                    message: "cannot connect to \(configuration.connection.host):\(configuration.connection.port): \(reason)"
                )
                logger.debug("PostgreSQL still unreachable", metadata: ["error": "\(reason)", "attempt": "\(backoff.attempt)"])
                continue
            }
            guard !isClosed else {
                await connection.close()
                return
            }
            logger.notice("PostgreSQL is reachable again")
            unavailableError = nil
            reconnection = nil
            metrics.unavailable.record(0)
            openCount += 1
            handOver(connection)
            openConnectionsForWaiters()
            return
        }
    }

    private func updateGauges() {
        metrics.connectionsInUse.record(leased)
        metrics.connectionsOpen.record(openCount)
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
