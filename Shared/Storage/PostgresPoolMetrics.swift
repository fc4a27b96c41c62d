import Metrics

/// The pool's metrics. Every metric name and label of the Storage module is defined here.
struct PostgresPoolMetrics: Sendable {
    /// Gauge: connections lent out right now.
    static let connectionsInUseName = "conveyor_db_pool_connections_in_use"
    /// Gauge: the pool's size (`maxConnections`).
    static let connectionsMaxName = "conveyor_db_pool_connections_max"
    /// Gauge: connections open (idle or in use).
    static let connectionsOpenName = "conveyor_db_pool_connections_open"
    /// Timer: how long calls waited for a connection.
    static let waitName = "conveyor_db_pool_wait_seconds"
    /// Gauge: 1 while the pool fails fast because the server is unreachable, else 0.
    static let unavailableName = "conveyor_db_pool_unavailable"
    /// Counter: errors seen by pool users, label `kind` (a ``PostgresError/Kind`` or `other`).
    static let errorsName = "conveyor_db_errors_total"
    /// Counter: transactions retried after a serialization failure or deadlock.
    static let transactionRetriesName = "conveyor_db_transaction_retries_total"

    let connectionsInUse: Gauge
    let connectionsOpen: Gauge
    let wait: Metrics.Timer
    let unavailable: Gauge
    let transactionRetries: Counter
    private let factory: any MetricsFactory

    init(maxConnections: Int, factory: any MetricsFactory) {
        self.factory = factory
        Gauge(label: Self.connectionsMaxName, factory: factory).record(maxConnections)
        connectionsInUse = Gauge(label: Self.connectionsInUseName, factory: factory)
        connectionsOpen = Gauge(label: Self.connectionsOpenName, factory: factory)
        wait = Metrics.Timer(label: Self.waitName, factory: factory)
        unavailable = Gauge(label: Self.unavailableName, factory: factory)
        transactionRetries = Counter(label: Self.transactionRetriesName, factory: factory)
        // Every kind from the start, so the first error of a kind shows in rate() and increase().
        for kind in PostgresError.Kind.allCases.map(\.rawValue) + ["other"] {
            _ = Counter(label: Self.errorsName, dimensions: [("kind", kind)], factory: factory)
        }
    }

    /// Counts `error` under its kind.
    func recordError(_ error: any Error) {
        let kind = (error as? PostgresError)?.kind.rawValue ?? "other"
        Counter(label: Self.errorsName, dimensions: [("kind", kind)], factory: factory).increment()
    }
}
