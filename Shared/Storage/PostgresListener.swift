import ConveyorRuntime
import Logging
import ServiceLifecycle

/// Receives PostgreSQL notifications (LISTEN/NOTIFY) on a connection of its own.
///
/// Run it as a `Service` and read ``events`` from one task:
///
///     let listener = PostgresListener(configuration: configuration, channels: ["outbox"], logger: logger)
///     // in a ServiceGroup, or: group.addTask { try await listener.run() }
///     for await event in listener.events {
///         switch event {
///         case .connected, .reconnected: await relay.pollNow()   // may have missed notifications
///         case .notification(let notification): await relay.pollNow()
///         }
///     }
///
/// The connection's thread sleeps in `poll(2)` until a notification, cancellation or other
/// work arrives. When the connection fails the listener reconnects forever with jittered
/// exponential backoff (logging each failure), LISTENs again and reports
/// ``Event/reconnected``. ``events`` finishes when ``run()`` returns: on graceful shutdown or
/// cancellation.
public final class PostgresListener: Service, Sendable {
    /// The listener's events, for a single consumer. Buffered without limit: read them promptly.
    public let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    /// The channels LISTENed on.
    public let channels: [String]
    private let configuration: PostgresConfiguration
    private let reconnectBackoff: Backoff
    private let logger: Logger

    /// Creates a listener for `channels`; nothing connects until ``run()``.
    ///
    /// - Parameter reconnectBackoff: delays between connection attempts (default 100 ms
    ///   growing to 10 s, jittered).
    public init(
        configuration: PostgresConfiguration,
        channels: [String],
        reconnectBackoff: Backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(10)),
        logger: Logger
    ) {
        precondition(!channels.isEmpty, "a listener needs at least one channel")
        (events, continuation) = AsyncStream.makeStream(of: Event.self)
        self.channels = channels
        self.configuration = configuration
        self.reconnectBackoff = reconnectBackoff
        var logger = logger
        logger[metadataKey: "db.channels"] = "\(channels.joined(separator: ","))"
        self.logger = logger
    }

    /// Listens until graceful shutdown or cancellation, reconnecting whenever needed.
    public func run() async throws {
        defer { continuation.finish() }
        _ = await cancelWhenGracefulShutdown { await self.listen() }
    }

    private func listen() async {
        var backoff = reconnectBackoff
        var wasConnected = false
        while !Task.isCancelled {
            let connection = PostgresConnection(configuration: configuration, logger: logger)
            do {
                try await connection.connect()
                for channel in channels {
                    try await connection.listen(channel)
                }
                backoff.reset()
                logger.info(wasConnected ? "PostgreSQL listener reconnected" : "PostgreSQL listener connected")
                continuation.yield(wasConnected ? .reconnected : .connected)
                wasConnected = true
                try await connection.receiveNotifications { [continuation] notification in
                    continuation.yield(.notification(notification))
                }
            } catch {
                if !Task.isCancelled {
                    logger.warning("PostgreSQL listener connection failed", metadata: ["error": "\(error)"])
                }
            }
            await connection.close()
            guard !Task.isCancelled else { return }
            let delay = backoff.next()
            logger.info("PostgreSQL listener reconnecting", metadata: ["delay": "\(delay)", "attempt": "\(backoff.attempt)"])
            try? await Task.sleep(for: delay)
        }
    }
}
