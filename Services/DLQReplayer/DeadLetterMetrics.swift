import Metrics

/// dlq-replayer's metric names and labels, in one place.
///
/// | name | type | labels |
/// |---|---|---|
/// | `conveyor_dead_letters_recorded_total` | counter: dead letters `serve` stored | queue, reason |
/// | `conveyor_dead_letters_duplicate_total` | counter: redelivered copies already stored | queue |
/// | `conveyor_dead_letters_waiting` | gauge: stored dead letters waiting for an operator | queue |
/// | `conveyor_dead_letter_replays` | gauge: replays done, summed over the stored dead letters (only grows) | queue |
struct DeadLetterMetrics: Sendable {
    static let recorded = "conveyor_dead_letters_recorded_total"
    static let duplicate = "conveyor_dead_letters_duplicate_total"
    static let waiting = "conveyor_dead_letters_waiting"
    static let replays = "conveyor_dead_letter_replays"

    let factory: any MetricsFactory

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    func recorded(queue: String, reason: String) {
        Counter(label: Self.recorded, dimensions: [("queue", queue), ("reason", reason)], factory: factory).increment()
    }

    func duplicate(queue: String) {
        Counter(label: Self.duplicate, dimensions: [("queue", queue)], factory: factory).increment()
    }

    func counts(queue: String, _ counts: DeadLetterCounts) {
        Gauge(label: Self.waiting, dimensions: [("queue", queue)], factory: factory).record(counts.waiting)
        Gauge(label: Self.replays, dimensions: [("queue", queue)], factory: factory).record(counts.replays)
    }
}

/// What ``WaitingDeadLetterGauge`` reports for one queue.
struct DeadLetterCounts: Sendable, Equatable {
    var waiting: Int
    var replays: Int
}
