import Metrics
import Prometheus

/// The process's one Prometheus registry, installed as the swift-metrics backend.
public enum MetricsBootstrap {
    /// Creates the registry and bootstraps `MetricsSystem` with it. Call once, in `main`.
    public static func prometheus() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
            .seconds(120), .seconds(300), .seconds(600),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }
}
