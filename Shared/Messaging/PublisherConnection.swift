import ConveyorRuntime
import Logging

/// The publisher's AMQP connection, isolated on its own thread: opens it in confirm mode, then
/// pumps — sends booked publishes within the window, applies confirms and returns, keeps
/// heartbeats going — and sleeps in `poll(2)` when there is nothing to do.
actor PublisherConnection {
    private let executor: DedicatedThreadExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    /// Signalled by the executor on every enqueued job and by callers when a publish is booked.
    nonisolated let wake: WakeSignal
    private let logger: Logger
    private let metrics: PublisherMetrics
    private var connection: AMQPConnection?
    private var assembler = ContentAssembler()

    private static let batchSize = 256

    init(threadName: String, logger: Logger, metrics: PublisherMetrics) {
        let wake = WakeSignal()
        let executor = DedicatedThreadExecutor(name: threadName)
        executor.setWakeHandler { wake.signal() }
        self.executor = executor
        self.wake = wake
        self.logger = logger
        self.metrics = metrics
    }

    /// The thread lives as long as this actor.
    deinit {
        executor.setWakeHandler(nil)
        executor.shutdown()
    }

    /// Connects, declares `topology` and enables confirms.
    func open(configuration: AMQPConfiguration, connectionName: String, topology: Topology) throws -> Duration {
        let connection = try AMQPConnection.open(configuration: configuration, connectionName: connectionName)
        do {
            try connection.declare(topology)
            try connection.enablePublisherConfirms()
        } catch {
            connection.close(politely: AMQPError.leavesConnectionOpen(error))
            throw error
        }
        self.connection = connection
        assembler = ContentAssembler()
        return connection.heartbeat
    }

    /// Runs until the ledger is finished (returns) or the connection fails (throws).
    func serve(ledger: PublishLedger) async throws {
        guard let connection else {
            throw AMQPError.library(operation: "publish", message: "not connected")
        }
        while true {
            try drainInput(connection, ledger: ledger)
            if ledger.isFinished { return }
            try sendBooked(connection, ledger: ledger)
            try connection.sendHeartbeatIfDue()
            wake.clear()
            if executor.hasPendingJobs {
                await Task.yield()
                continue
            }
            if ledger.hasSendable || ledger.isFinished || connection.hasBufferedInput {
                continue
            }
            try connection.waitForInput(orWake: wake, timeout: connection.heartbeatWaitLimit)
        }
    }

    /// Closes the connection (see ``AMQPConnection/close(politely:)``).
    func close(politely: Bool) {
        connection?.close(politely: politely)
        connection = nil
    }

    private func drainInput(_ connection: AMQPConnection, ledger: PublishLedger) throws {
        try connection.drainFrames { frame in
            try handle(frame, connection: connection, ledger: ledger)
        }
    }

    private func handle(_ frame: InboundFrame, connection: AMQPConnection, ledger: PublishLedger) throws {
        if assembler.isAssembling {
            if let (method, _) = try assembler.accept(frame),
                case .basicReturn(let code, let text, let exchange, let routingKey) = method
            {
                metrics.returned.increment()
                logger.warning(
                    "Broker returned an unroutable message",
                    metadata: ["exchange": "\(exchange)", "routing_key": "\(routingKey)", "reply": "\(code) \(text)"]
                )
                ledger.markReturned(code: code, text: text, exchange: exchange, routingKey: routingKey)
            }
            return
        }
        guard case .method(let method) = frame else {
            if case .ignored = frame { return }
            throw AMQPError.library(operation: "read from broker", message: "content frame without a method")
        }
        if method.carriesContent {
            assembler.begin(method)
            return
        }
        switch method {
        case .basicAck(let tag, let multiple):
            ledger.settle(deliveryTag: tag, multiple: multiple, nacked: false, record: record)
        case .basicNack(let tag, let multiple):
            ledger.settle(deliveryTag: tag, multiple: multiple, nacked: true, record: record)
        case .channelClose(let code, let text):
            connection.acknowledgeClose(method)
            throw AMQPError.channelClosedByBroker(code: code, text: text)
        case .connectionClose(let code, let text):
            connection.acknowledgeClose(method)
            throw AMQPError.connectionClosedByBroker(code: code, text: text)
        case .connectionBlocked(let reason):
            logger.warning("Broker blocked publishing", metadata: ["reason": "\(reason)"])
        case .connectionUnblocked:
            logger.info("Broker unblocked publishing")
        default:
            logger.debug("Ignoring method from broker", metadata: ["method": "\(method)"])
        }
    }

    private func record(_ settled: PublishLedger.Settled) {
        if settled.confirmed > 0 { metrics.confirmed.increment(by: Int64(settled.confirmed)) }
        if settled.nacked > 0 { metrics.nacked.increment(by: Int64(settled.nacked)) }
    }

    private func sendBooked(_ connection: AMQPConnection, ledger: PublishLedger) throws {
        let batch = ledger.takeBatch(limit: Self.batchSize)
        guard !batch.isEmpty else { return }
        try connection.sendingTogether(batch.count) {
            for outgoing in batch {
                try connection.publish(outgoing.message, exchange: outgoing.exchange, routingKey: outgoing.routingKey, mandatory: true)
            }
        }
        metrics.published.increment(by: Int64(batch.count))
    }
}
