#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Metrics

/// The outbox relay's metrics.
///
/// - `conveyor_outbox_published_total`: events published and marked.
/// - `conveyor_outbox_publish_failures_total`: publishes that failed (the row stays for a retry).
/// - `conveyor_outbox_claimed_rows`: rows claimed by the last batch.
/// - `conveyor_outbox_relay_lag_seconds`: age of the oldest row of the last batch when it was published.
/// - `conveyor_outbox_unpublished_rows`: rows waiting to be published (all replicas' rows).
/// - `conveyor_outbox_oldest_unpublished_age_seconds`: age of the oldest of them (0 when none).
struct OutboxMetrics: Sendable {
    let published: Counter
    let failures: Counter
    let claimed: Gauge
    let lag: Metrics.Timer
    let unpublished: Gauge
    let oldestAge: Gauge

    init(factory: any MetricsFactory) {
        published = Counter(label: "conveyor_outbox_published_total", factory: factory)
        failures = Counter(label: "conveyor_outbox_publish_failures_total", factory: factory)
        claimed = Gauge(label: "conveyor_outbox_claimed_rows", factory: factory)
        lag = Metrics.Timer(label: "conveyor_outbox_relay_lag_seconds", factory: factory)
        unpublished = Gauge(label: "conveyor_outbox_unpublished_rows", factory: factory)
        oldestAge = Gauge(label: "conveyor_outbox_oldest_unpublished_age_seconds", factory: factory)
    }

    func recordBacklog(rows: Int, oldestAge age: Double) {
        unpublished.record(rows)
        oldestAge.record(age)
    }

    func recordClaimed(_ count: Int) {
        claimed.record(count)
    }

    func recordPublished(_ count: Int, failed: Int) {
        if count > 0 { published.increment(by: count) }
        if failed > 0 { failures.increment(by: failed) }
    }

    func recordLag(since createdAt: Date) {
        lag.recordNanoseconds(Int64(max(0, Date().timeIntervalSince(createdAt)) * 1e9))
    }
}
