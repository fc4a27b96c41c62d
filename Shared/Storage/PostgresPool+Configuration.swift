import ConveyorRuntime

extension PostgresPool {
    /// How a ``PostgresPool`` connects and how many connections it keeps.
    public struct Configuration: Sendable {
        /// The server and session settings of every connection.
        public var connection: PostgresConfiguration
        /// At most this many connections are open at once (default 10).
        public var maxConnections: Int
        /// How long a call waits for a free connection before failing with
        /// ``PostgresError/Kind/acquireTimeout`` (default 10 s).
        public var acquireTimeout: Duration
        /// Delays between background connection attempts while the server is unreachable
        /// (default 100 ms growing to 2 s, jittered). Calls fail at once meanwhile.
        public var reconnectBackoff: Backoff
        /// A connection idle for longer than this is closed, down to one open connection, while
        /// the pool runs as a service (default 1 min; `nil` keeps them open). After a busy
        /// spell the process and the server give back what the extra sessions held.
        public var idleTimeout: Duration?

        public init(
            connection: PostgresConfiguration,
            maxConnections: Int = 10,
            acquireTimeout: Duration = .seconds(10),
            reconnectBackoff: Backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(2)),
            idleTimeout: Duration? = .seconds(60)
        ) {
            precondition(maxConnections > 0, "a pool needs at least one connection")
            precondition(idleTimeout.map { $0 > .zero } ?? true, "an idle timeout must be positive")
            self.connection = connection
            self.maxConnections = maxConnections
            self.acquireTimeout = acquireTimeout
            self.reconnectBackoff = reconnectBackoff
            self.idleTimeout = idleTimeout
        }
    }
}
