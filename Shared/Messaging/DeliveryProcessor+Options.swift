import ConveyorRuntime

extension DeliveryProcessor {
    /// How a ``DeliveryProcessor`` runs its handler.
    public struct Options: Sendable {
        /// Handler runs (single deliveries or batches) at once. Default 16; keep the consumer's
        /// prefetch at least this times ``batchSize`` high.
        public var concurrency: Int
        /// The most deliveries one run of a batch handler gets. A batch is what has arrived
        /// when a handler slot frees up, plus what arrives within ``batchWait``. Default 1; only
        /// a batch handler uses more.
        public var batchSize: Int
        /// How long a batch that is not full waits for more deliveries before its handler runs.
        /// Under light load, deliveries arriving one by one then share a run (one database
        /// transaction) instead of taking one each; under heavy load batches are full and
        /// nothing waits. Default zero: a batch is what has already arrived.
        public var batchWait: Duration
        /// Delays between runs of the handler on a delivery whose dependency is unavailable.
        /// Default 500 ms growing to 30 s, with full jitter.
        public var dependencyBackoff: Backoff
        /// Pause before returning a delivery to its queue after its retry or dead-letter copy
        /// could not be published, so a broken publisher does not spin. Default 1 s.
        public var republishFailurePause: Duration

        public init(
            concurrency: Int = 16,
            batchSize: Int = 1,
            batchWait: Duration = .zero,
            dependencyBackoff: Backoff = Backoff(initial: .milliseconds(500), maximum: .seconds(30)),
            republishFailurePause: Duration = .seconds(1)
        ) {
            precondition(concurrency > 0, "concurrency must be positive")
            precondition(batchSize > 0, "batchSize must be positive")
            precondition(batchWait >= .zero, "batchWait must not be negative")
            self.batchSize = batchSize
            self.batchWait = batchWait
            self.concurrency = concurrency
            self.dependencyBackoff = dependencyBackoff
            self.republishFailurePause = republishFailurePause
        }
    }
}
