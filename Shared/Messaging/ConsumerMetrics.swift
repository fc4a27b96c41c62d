import Metrics

/// Counters of a ``Consumer``.
struct ConsumerMetrics: Sendable {
    let connection: ConnectionMetrics
    let delivered: Counter

    init(queue: String, factory: any MetricsFactory) {
        connection = ConnectionMetrics(role: "consumer", queue: queue, factory: factory)
        delivered = Counter(label: MetricNames.delivered, dimensions: [(MetricNames.queue, queue)], factory: factory)
    }
}
