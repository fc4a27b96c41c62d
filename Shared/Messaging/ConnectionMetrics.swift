import Metrics

/// Connection state metrics of one publisher or consumer.
struct ConnectionMetrics: Sendable {
    let connected: Gauge
    let reconnects: Counter

    init(role: String, queue: String, factory: any MetricsFactory) {
        let dimensions = [(MetricNames.role, role), (MetricNames.queue, queue)]
        connected = Gauge(label: MetricNames.connected, dimensions: dimensions, factory: factory)
        reconnects = Counter(label: MetricNames.reconnects, dimensions: dimensions, factory: factory)
    }
}
