import Metrics

/// Outcome counters of a ``DeliveryProcessor``.
struct ProcessorMetrics: Sendable {
    let done: Counter
    let retried: Counter
    let deadLettered: Counter
    let dependencyUnavailable: Counter

    init(queue: String, factory: any MetricsFactory) {
        func counter(_ outcome: String) -> Counter {
            Counter(
                label: MetricNames.processed,
                dimensions: [(MetricNames.queue, queue), (MetricNames.outcome, outcome)],
                factory: factory
            )
        }
        done = counter("done")
        retried = counter("retry")
        deadLettered = counter("dead_letter")
        dependencyUnavailable = counter("dependency_unavailable")
    }
}
