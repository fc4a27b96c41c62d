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

        public init(
            connection: PostgresConfiguration,
            maxConnections: Int = 10,
            acquireTimeout: Duration = .seconds(10),
            reconnectBackoff: Backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(2))
        ) {
            precondition(maxConnections > 0, "a pool needs at least one connection")
            self.connection = connection
            self.maxConnections = maxConnections
            self.acquireTimeout = acquireTimeout
            self.reconnectBackoff = reconnectBackoff
        }
    }
}
