import ConveyorRuntime

extension Consumer {
    /// How a ``Consumer`` takes deliveries and reconnects.
    public struct Options: Sendable {
        /// Unacknowledged deliveries the broker sends ahead (`basic.qos`). Default 32.
        public var prefetch: UInt16
        /// Delays between reconnect attempts. Default 100 ms growing to 30 s, with full jitter.
        public var reconnectBackoff: Backoff

        public init(
            prefetch: UInt16 = 32,
            reconnectBackoff: Backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(30))
        ) {
            precondition(prefetch > 0, "prefetch must be positive")
            self.prefetch = prefetch
            self.reconnectBackoff = reconnectBackoff
        }
    }
}
