import Metrics

/// Counters of a ``Publisher``.
struct PublisherMetrics: Sendable {
    let connection: ConnectionMetrics
    let published: Counter
    let confirmed: Counter
    let returned: Counter
    let nacked: Counter
    let timeouts: Counter

    init(factory: any MetricsFactory) {
        connection = ConnectionMetrics(role: "publisher", queue: "", factory: factory)
        published = Counter(label: MetricNames.published, factory: factory)
        confirmed = Counter(label: MetricNames.confirmed, factory: factory)
        returned = Counter(label: MetricNames.returned, factory: factory)
        nacked = Counter(label: MetricNames.nacked, factory: factory)
        timeouts = Counter(label: MetricNames.publishTimeouts, factory: factory)
    }
}
