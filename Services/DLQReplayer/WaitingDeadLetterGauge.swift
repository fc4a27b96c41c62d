import Logging
import ServiceLifecycle

/// Counts waiting dead letters and replays done per queue every ``interval`` and reports them
/// as `conveyor_dead_letters_waiting` and `conveyor_dead_letter_replays` (replays run from the
/// CLI, a separate process, so they are read back from the table); queues with none report 0. A failed count is logged and
/// tried again at the next tick.
struct WaitingDeadLetterGauge: Service {
    let store: DeadLetterStore
    /// Queues reported even when they have no row yet (the ones `serve` consumes).
    let queues: [String]
    let interval: Duration
    let metrics: DeadLetterMetrics
    let logger: Logger

    func run() async throws {
        var reported = Set(queues)
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let counts = try await store.queueCounts()
                reported.formUnion(counts.keys)
                for queue in reported {
                    metrics.counts(queue: queue, counts[queue] ?? DeadLetterCounts(waiting: 0, replays: 0))
                }
            } catch {
                logger.warning("could not count waiting dead letters", metadata: ["error": "\(error)"])
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
        }
    }
}
