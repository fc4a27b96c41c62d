import Metrics

/// What a ``DeliveryProcessor`` measures for its queue (names in ``MetricNames``).
struct ProcessorMetrics: Sendable {
    let queue: String
    let done: Counter
    let duplicate: Counter
    let retried: Counter
    let deadLettered: Counter
    let dependencyUnavailable: Counter
    let handling: Metrics.Timer
    let lag: Metrics.Timer
    let factory: any MetricsFactory
    /// `conveyor_messages_retried_total` of each retry tier, made (at 0) up front.
    private let retriedByTier: [String: Counter]

    init(queue: String, tiers: [String], factory: any MetricsFactory) {
        func counter(_ outcome: String) -> Counter {
            Counter(
                label: MetricNames.processed,
                dimensions: [(MetricNames.queue, queue), (MetricNames.outcome, outcome)],
                factory: factory
            )
        }
        self.queue = queue
        self.factory = factory
        done = counter("done")
        duplicate = counter("duplicate")
        retried = counter("retry")
        deadLettered = counter("dead_letter")
        dependencyUnavailable = counter("dependency_unavailable")
        handling = Metrics.Timer(label: MetricNames.handling, dimensions: [(MetricNames.queue, queue)], factory: factory)
        lag = Metrics.Timer(label: MetricNames.lag, dimensions: [(MetricNames.queue, queue)], factory: factory)
        // Series that exist from the start, so their first increment shows in rate() and increase().
        retriedByTier = Dictionary(
            tiers.map { tier in
                (tier, Counter(label: MetricNames.retried, dimensions: [(MetricNames.queue, queue), (MetricNames.tier, tier)], factory: factory))
            },
            uniquingKeysWith: { first, _ in first })
        _ = Counter(
            label: MetricNames.deadLettered, dimensions: [(MetricNames.queue, queue), (MetricNames.reason, RetryPolicy.malformedReason)],
            factory: factory)
    }

    func retried(tier: String) {
        retried.increment()
        (retriedByTier[tier]
            ?? Counter(label: MetricNames.retried, dimensions: [(MetricNames.queue, queue), (MetricNames.tier, tier)], factory: factory))
            .increment()
    }

    func deadLettered(reason: String) {
        deadLettered.increment()
        Counter(
            label: MetricNames.deadLettered, dimensions: [(MetricNames.queue, queue), (MetricNames.reason, reason)], factory: factory
        ).increment()
    }
}
