import ConveyorRuntime

extension Publisher {
    /// How a ``Publisher`` pipelines, waits and reconnects.
    public struct Options: Sendable {
        /// The most messages sent and not yet confirmed; callers beyond it wait. Default 1000.
        public var window: Int
        /// How long one `publish` may take in total: waiting for the connection, for room in the
        /// window, and for the confirm. Default 30 s.
        public var publishTimeout: Duration
        /// Delays between reconnect attempts. Default 100 ms growing to 30 s, with full jitter.
        public var reconnectBackoff: Backoff

        public init(
            window: Int = 1000,
            publishTimeout: Duration = .seconds(30),
            reconnectBackoff: Backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(30))
        ) {
            precondition(window > 0, "window must be positive")
            precondition(publishTimeout > .zero, "publishTimeout must be positive")
            self.window = window
            self.publishTimeout = publishTimeout
            self.reconnectBackoff = reconnectBackoff
        }
    }
}
