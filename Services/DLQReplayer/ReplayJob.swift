import ConveyorRuntime
import Logging
import Messaging
import ServiceLifecycle
import Synchronization

/// The publishing part of `replay`, as a `Service` next to its ``Publisher`` in a
/// `ServiceGroup`: for each row, oldest first, lock it, publish the rebuilt message with
/// confirms to its destination, then mark it replayed (``DeadLetterStore/replay(id:statuses:publish:)``).
///
/// SIGINT or SIGTERM stop it between two rows: the rest count as skipped. After a publish
/// fails for want of a broker (a timeout, the publisher shut down) the remaining rows are
/// skipped rather than each waiting out the publish timeout.
final class ReplayJob: Service, Sendable {
    let ids: [Int64]
    let statuses: [DeadLetter.Status]
    /// A queue for every row, or nil for each row's `origin_queue`.
    let destination: String?
    let rate: ReplayRate?
    let store: DeadLetterStore
    let publisher: Publisher
    let logger: Logger
    private let outcome = Mutex(ReplayTally())

    init(
        ids: [Int64], statuses: [DeadLetter.Status], destination: String?, rate: ReplayRate?, store: DeadLetterStore,
        publisher: Publisher, logger: Logger
    ) {
        self.ids = ids
        self.statuses = statuses
        self.destination = destination
        self.rate = rate
        self.store = store
        self.publisher = publisher
        self.logger = logger
    }

    /// What the run did so far.
    var tally: ReplayTally {
        outcome.withLock { $0 }
    }

    func run() async throws {
        let clock = ContinuousClock()
        var nextPublish = clock.now
        for (index, id) in ids.enumerated() {
            if Task.isShuttingDownGracefully || Task.isCancelled {
                let remaining = ids.count - index
                outcome.withLock { $0.skipped += remaining }
                logger.warning("replay interrupted; the remaining dead letters stay as they are", metadata: ["skipped": "\(remaining)"])
                return
            }
            if let rate {
                try? await Task.sleep(until: nextPublish, clock: clock)
                nextPublish = max(nextPublish, clock.now) + rate.interval
            }
            do {
                var target = ""
                let replayed = try await store.replay(id: id, statuses: statuses) { deadLetter in
                    guard let queue = destination ?? deadLetter.originQueue else {
                        throw StoredDeadLetterError("dead letter \(deadLetter.id) has no origin queue: replay it with --to QUEUE")
                    }
                    target = queue
                    try await publisher.publish(try deadLetter.replayMessage(), exchange: "", routingKey: queue)
                }
                if replayed != nil {
                    outcome.withLock { $0.replayed.append(id) }
                    print("replayed \(id) to \(target)")
                } else {
                    outcome.withLock { $0.skipped += 1 }
                    logger.notice("dead letter skipped: no longer matching, or held by another replay or purge", metadata: ["id": "\(id)"])
                }
            } catch {
                outcome.withLock { $0.failed += 1 }
                StandardStreams.writeError("dlq-replayer: dead letter \(id) not replayed: \(error)\n")
                if Self.brokerUnreachable(error) {
                    let remaining = ids.count - index - 1
                    outcome.withLock { $0.skipped += remaining }
                    logger.error("the broker does not confirm publishes; stopping", metadata: ["skipped": "\(remaining)"])
                    return
                }
            }
        }
    }

    private static func brokerUnreachable(_ error: any Error) -> Bool {
        switch error as? AMQPError {
        case .timedOut?, .shutDown?: true
        default: false
        }
    }
}
