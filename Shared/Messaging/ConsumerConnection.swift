import ConveyorRuntime
import Logging
import Synchronization

/// The consumer's AMQP connection, isolated on its own thread: opens it, consumes one queue and
/// pumps — turns deliveries into ``Delivery`` values, keeps heartbeats going, sends acks — and
/// sleeps in `poll(2)` when there is nothing to do.
actor ConsumerConnection: DeliverySettler {
    private let executor: DedicatedThreadExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    /// Signalled by the executor on every enqueued job (an ack, a stop request).
    nonisolated let wake: WakeSignal
    private let queue: String
    private let logger: Logger
    private let metrics: ConsumerMetrics
    private var connection: AMQPConnection?
    /// Counts connections; deliveries carry it so a late ack cannot hit a newer connection.
    private var generation: UInt64 = 0
    private var assembler = ContentAssembler()
    /// An ack or reject that failed to write: the connection is broken.
    private var settleFailure: (any Error)?
    /// Acks and rejects waiting for the I/O loop, which sends them in batches: a settlement
    /// costs no job on this actor, and many cost one wake-up.
    private let settlements = Mutex(SettlementQueue())

    init(queue: String, threadName: String, logger: Logger, metrics: ConsumerMetrics) {
        let wake = WakeSignal()
        let executor = DedicatedThreadExecutor(name: threadName)
        executor.setWakeHandler { wake.signal() }
        self.executor = executor
        self.wake = wake
        self.queue = queue
        self.logger = logger
        self.metrics = metrics
    }

    /// The thread lives as long as this actor: deliveries keep it to settle through it, and a
    /// settlement after the consumer stopped still gets its answer (false).
    deinit {
        executor.setWakeHandler(nil)
        executor.shutdown()
    }

    /// Connects, declares `topology`, sets the prefetch and starts consuming. Returns the new
    /// connection's generation and negotiated heartbeat.
    func open(
        configuration: AMQPConfiguration, connectionName: String, topology: Topology, prefetch: UInt16
    ) throws -> (generation: UInt64, heartbeat: Duration) {
        let connection = try AMQPConnection.open(configuration: configuration, connectionName: connectionName)
        do {
            try connection.declare(topology)
            try connection.setPrefetch(prefetch)
            _ = try connection.consume(queue: queue)
        } catch {
            connection.close(politely: AMQPError.leavesConnectionOpen(error))
            throw error
        }
        generation += 1
        self.connection = connection
        assembler = ContentAssembler()
        settleFailure = nil
        return (generation, connection.heartbeat)
    }

    /// Runs until `shouldStop` says so (returns) or the connection fails (throws).
    func serve(into buffer: DeliveryBuffer, shouldStop: @Sendable () -> Bool) async throws {
        guard let connection else {
            throw AMQPError.library(operation: "consume", message: "not connected")
        }
        let generation = generation
        settlements.withLock { queue in
            queue.accepting = true
            queue.generation = generation
        }
        // Settlements still queued when serving ends belong to a connection that is going away
        // (the broker redelivers those messages).
        defer { settleQueued(connection: nil) }
        while true {
            if shouldStop() {
                // Stopping politely: what the application settled goes out first.
                settleQueued(connection: connection)
                return
            }
            if let settleFailure { throw settleFailure }
            try drainInput(connection, into: buffer)
            try connection.sendHeartbeatIfDue()
            wake.clear()
            if settleQueued(connection: connection) > 0 {
                continue
            }
            if executor.hasPendingJobs {
                await Task.yield()
                continue
            }
            if shouldStop() || connection.hasBufferedInput {
                continue
            }
            try connection.waitForInput(orWake: wake, timeout: connection.heartbeatWaitLimit)
        }
    }

    /// Queues an ack or reject for the I/O loop, which writes the queue in batches, and returns
    /// without waiting for the write: true when queued, false when the delivery came on an
    /// earlier connection or the connection is gone (the broker redelivers it). A write that
    /// fails later breaks the connection, and the broker redelivers what it had not settled.
    nonisolated func settle(deliveryTag: UInt64, generation: UInt64, as settlement: DeliverySettlement) async -> Bool {
        let queued = settlements.withLock { queue -> Bool? in
            guard queue.accepting, queue.generation == generation else { return nil }
            queue.items.append(.init(deliveryTag: deliveryTag, generation: generation, settlement: settlement))
            return queue.items.count == 1
        }
        switch queued {
        case nil:
            logger.notice(
                "Not settling a delivery of an earlier connection; the broker redelivers it",
                metadata: ["queue": "\(queue)", "delivery_tag": "\(deliveryTag)", "generation": "\(generation)"])
            return false
        case true?:
            wake.signal()
            return true
        case false?:
            return true
        }
    }

    /// Writes the queued settlements on `connection` (or, with nil, stops accepting new ones and
    /// drops those queued: their connection is going away, and the broker redelivers them);
    /// returns how many there were.
    @discardableResult
    private func settleQueued(connection: AMQPConnection?) -> Int {
        let batch = settlements.withLock { queue in
            if connection == nil { queue.accepting = false }
            defer { queue.items.removeAll(keepingCapacity: true) }
            return queue.items
        }
        if let connection {
            connection.sendingTogether(batch.count) {
                for item in batch where settleFailure == nil {
                    settle(item, on: connection)
                }
            }
        } else if !batch.isEmpty {
            logger.notice(
                "Connection closing with unsent acknowledgements; the broker redelivers those messages",
                metadata: ["queue": "\(queue)", "count": "\(batch.count)"])
        }
        return batch.count
    }

    private func settle(_ item: QueuedSettlement, on connection: AMQPConnection) {
        guard item.generation == generation else { return }
        do {
            switch item.settlement {
            case .ack:
                try connection.ack(deliveryTag: item.deliveryTag)
            case .reject(let requeue):
                try connection.reject(deliveryTag: item.deliveryTag, requeue: requeue)
            }
        } catch {
            settleFailure = error
        }
    }

    /// Closes the connection (see ``AMQPConnection/close(politely:)``); unacknowledged
    /// deliveries go back to the queue.
    func close(politely: Bool) {
        connection?.close(politely: politely)
        connection = nil
    }

    private func drainInput(_ connection: AMQPConnection, into buffer: DeliveryBuffer) throws {
        try connection.drainFrames { frame in
            try handle(frame, connection: connection, buffer: buffer)
        }
    }

    private func handle(_ frame: InboundFrame, connection: AMQPConnection, buffer: DeliveryBuffer) throws {
        if assembler.isAssembling {
            if let (method, message) = try assembler.accept(frame),
                case .basicDeliver(_, let tag, let redelivered, let exchange, let routingKey) = method
            {
                metrics.delivered.increment()
                buffer.push(
                    Delivery(
                        message: message, exchange: exchange, routingKey: routingKey, redelivered: redelivered,
                        deliveryTag: tag, queue: queue, generation: generation, settler: self
                    )
                )
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
        case .basicCancel:
            throw AMQPError.consumerCancelledByBroker(queue: queue)
        case .channelClose(let code, let text):
            connection.acknowledgeClose(method)
            throw AMQPError.channelClosedByBroker(code: code, text: text)
        case .connectionClose(let code, let text):
            connection.acknowledgeClose(method)
            throw AMQPError.connectionClosedByBroker(code: code, text: text)
        case .connectionBlocked(let reason):
            logger.warning("Broker blocked the connection", metadata: ["reason": "\(reason)"])
        case .connectionUnblocked:
            logger.info("Broker unblocked the connection")
        default:
            logger.debug("Ignoring method from broker", metadata: ["method": "\(method)"])
        }
    }
}
