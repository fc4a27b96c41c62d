import Synchronization

/// The publisher's book of every publish whose caller is waiting: queued for the connection,
/// or sent and awaiting the broker's confirm.
///
/// Shared between callers (any task), the connection thread and the timeout sweep, so its
/// state sits behind a mutex. Continuations are resumed after the lock is released.
final class PublishLedger: Sendable {
    /// A publish whose caller waits.
    struct Pending: Sendable {
        let message: Message
        let exchange: String
        let routingKey: String
        let deadline: ContinuousClock.Instant
        let waiter: PublishWaiter
    }

    /// A publish handed to the connection thread, with its sequence number on the channel.
    struct Outgoing: Sendable {
        let sequence: UInt64
        let message: Message
        let exchange: String
        let routingKey: String
    }

    /// What confirms settled, for metrics.
    struct Settled: Sendable {
        var confirmed = 0
        var nacked = 0
    }

    private struct Sent: Sendable {
        let id: UInt64
        let exchange: String
        let routingKey: String
        var returned: AMQPError?
    }

    private enum Phase: Sendable {
        case open
        /// Graceful shutdown: no new publishes; the ones in the book still complete.
        case draining
        case closed
    }

    private struct State: Sendable {
        var nextID: UInt64 = 1
        /// Ids handed out whose publish is not in the book yet.
        var reserved: Set<UInt64> = []
        var cancelledBeforeEnqueue: Set<UInt64> = []
        var pending: [UInt64: Pending] = [:]
        /// Ids waiting to be sent, oldest first, from `queueHead`; ids no longer pending are skipped.
        var queue: [UInt64] = []
        var queueHead = 0
        /// Sent and unconfirmed, by sequence number on the current channel.
        var inFlight: [UInt64: Sent] = [:]
        var nextSequence: UInt64 = 1
        var lowestUnconfirmed: UInt64 = 1
        var phase = Phase.open

        var queuedCount: Int { queue.count - queueHead }

        mutating func compactQueue() {
            if queueHead > 1024 && queueHead * 2 > queue.count {
                queue.removeFirst(queueHead)
                queueHead = 0
            }
        }
    }

    /// The most sent-but-unconfirmed messages at once.
    let window: Int
    private let state = Mutex(State())

    init(window: Int) {
        precondition(window > 0, "the publish window must be positive")
        self.window = window
    }

    // MARK: Callers

    /// Consecutive ids for ``enqueue(firstID:_:)`` and ``cancel(ids:)``, one per publish.
    func reserveIDs(count: Int) -> Range<UInt64> {
        state.withLock { state in
            let ids = state.nextID..<(state.nextID + UInt64(count))
            state.nextID = ids.upperBound
            state.reserved.formUnion(ids)
            return ids
        }
    }

    /// Books publishes under the ids from `firstID` on, in order. Returns true when the
    /// connection thread should be woken to send them.
    func enqueue(firstID: UInt64, _ publishes: [Pending]) -> Bool {
        let outcome: (refused: [(Pending, any Error)], wake: Bool) = state.withLock { state in
            var refused: [(Pending, any Error)] = []
            let wasIdle = state.queuedCount == 0
            for (offset, publish) in publishes.enumerated() {
                let id = firstID + UInt64(offset)
                state.reserved.remove(id)
                if state.cancelledBeforeEnqueue.remove(id) != nil {
                    refused.append((publish, CancellationError()))
                } else if state.phase != .open {
                    refused.append((publish, AMQPError.shutDown))
                } else {
                    state.pending[id] = publish
                    state.queue.append(id)
                }
            }
            return (refused, wasIdle && state.queuedCount > 0 && state.inFlight.count < window)
        }
        for (publish, error) in outcome.refused {
            publish.waiter.complete(error)
        }
        return outcome.wake
    }

    /// The callers' task was cancelled: they stop waiting. A message already sent may still
    /// reach the broker.
    func cancel(ids: Range<UInt64>) {
        let cancelled: [Pending] = state.withLock { state in
            var cancelled: [Pending] = []
            for id in ids {
                if let pending = state.pending.removeValue(forKey: id) {
                    cancelled.append(pending)
                } else if state.reserved.contains(id) {
                    state.cancelledBeforeEnqueue.insert(id)
                }
            }
            return cancelled
        }
        for pending in cancelled {
            pending.waiter.complete(CancellationError())
        }
    }

    // MARK: Connection thread

    /// True when messages wait and the window has room.
    var hasSendable: Bool {
        state.withLock { $0.queuedCount > 0 && $0.inFlight.count < window }
    }

    /// Takes up to `limit` queued publishes, as far as the window allows, numbering them in
    /// sending order. They count as sent from here on.
    func takeBatch(limit: Int) -> [Outgoing] {
        state.withLock { state in
            var batch: [Outgoing] = []
            while batch.count < limit, state.inFlight.count < window, state.queueHead < state.queue.count {
                let id = state.queue[state.queueHead]
                state.queueHead += 1
                guard let pending = state.pending[id] else { continue }
                let sequence = state.nextSequence
                state.nextSequence += 1
                state.inFlight[sequence] = Sent(id: id, exchange: pending.exchange, routingKey: pending.routingKey)
                batch.append(
                    Outgoing(sequence: sequence, message: pending.message, exchange: pending.exchange, routingKey: pending.routingKey)
                )
            }
            state.compactQueue()
            return batch
        }
    }

    /// Applies a `basic.ack` (`nacked == false`) or `basic.nack` for `deliveryTag`, or for all up
    /// to it when `multiple`. `record` sees the counts before any caller resumes.
    func settle(deliveryTag: UInt64, multiple: Bool, nacked: Bool, record: (Settled) -> Void) {
        var settled = Settled()
        let completions: [(PublishWaiter, (any Error)?)] = state.withLock { state in
            var completions: [(PublishWaiter, (any Error)?)] = []
            let sequences: [UInt64]
            if !multiple {
                sequences = [deliveryTag]
            } else if deliveryTag >= state.lowestUnconfirmed {
                sequences = Array(state.lowestUnconfirmed...deliveryTag)
            } else {
                sequences = []
            }
            for sequence in sequences {
                guard let sent = state.inFlight.removeValue(forKey: sequence) else { continue }
                guard let pending = state.pending.removeValue(forKey: sent.id) else { continue }
                if nacked {
                    settled.nacked += 1
                    completions.append((pending.waiter, AMQPError.nacked(exchange: sent.exchange, routingKey: sent.routingKey)))
                } else if let returned = sent.returned {
                    completions.append((pending.waiter, returned))
                } else {
                    settled.confirmed += 1
                    completions.append((pending.waiter, nil))
                }
            }
            while state.lowestUnconfirmed < state.nextSequence && state.inFlight[state.lowestUnconfirmed] == nil {
                state.lowestUnconfirmed += 1
            }
            return completions
        }
        record(settled)
        for (waiter, error) in completions {
            waiter.complete(error)
        }
    }

    /// Records a `basic.return`. It names no sequence number, but arrives before the confirm of
    /// its message, so it belongs to the oldest unconfirmed message to the same exchange and
    /// routing key not yet marked (older ones with the same destination were returned first).
    func markReturned(code: UInt16, text: String, exchange: String, routingKey: String) {
        state.withLock { state in
            var sequence = state.lowestUnconfirmed
            while sequence < state.nextSequence {
                if var sent = state.inFlight[sequence], sent.returned == nil,
                    sent.exchange == exchange, sent.routingKey == routingKey
                {
                    sent.returned = .unroutable(code: code, text: text, exchange: exchange, routingKey: routingKey)
                    state.inFlight[sequence] = sent
                    return
                }
                sequence += 1
            }
        }
    }

    /// The connection is gone: every unconfirmed publish whose caller still waits goes back to
    /// the front of the queue, in its original order, to be sent again on the next connection
    /// (at least once). Returns how many.
    @discardableResult
    func connectionLost() -> Int {
        state.withLock { state in
            let unconfirmed = state.inFlight.sorted { $0.key < $1.key }
                .map(\.value.id)
                .filter { state.pending[$0] != nil }
            state.inFlight.removeAll()
            state.nextSequence = 1
            state.lowestUnconfirmed = 1
            state.queue = unconfirmed + state.queue[state.queueHead...]
            state.queueHead = 0
            return unconfirmed.count
        }
    }

    // MARK: Timeouts and shutdown

    /// Fails every publish whose deadline passed. Returns how many.
    func expire(now: ContinuousClock.Instant, timeout: Duration) -> Int {
        let expired: [Pending] = state.withLock { state in
            let ids = state.pending.filter { $0.value.deadline <= now }.map(\.key)
            return ids.compactMap { state.pending.removeValue(forKey: $0) }
        }
        for pending in expired {
            pending.waiter.complete(
                AMQPError.timedOut(operation: "publish to '\(pending.exchange)' with '\(pending.routingKey)'", after: timeout)
            )
        }
        return expired.count
    }

    /// Stops taking publishes. Graceful: the booked ones still complete; otherwise they fail now.
    func beginShutdown(graceful: Bool) {
        if graceful {
            state.withLock { state in
                if state.phase == .open { state.phase = .draining }
            }
        } else {
            close()
        }
    }

    /// Fails everything still booked with ``AMQPError/shutDown`` and takes no more publishes.
    func close() {
        let remaining: [Pending] = state.withLock { state in
            state.phase = .closed
            let remaining = Array(state.pending.values)
            state.pending.removeAll()
            state.queue.removeAll()
            state.queueHead = 0
            return remaining
        }
        for pending in remaining {
            pending.waiter.complete(AMQPError.shutDown)
        }
    }

    /// True when the publisher may stop: closed, or draining with nothing left.
    var isFinished: Bool {
        state.withLock { $0.phase == .closed || ($0.phase == .draining && $0.pending.isEmpty) }
    }

    var isClosed: Bool {
        state.withLock { $0.phase == .closed }
    }
}
