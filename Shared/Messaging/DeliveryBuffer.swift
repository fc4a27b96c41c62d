import Synchronization

/// Deliveries received and not yet taken by the application. The broker's prefetch bounds it
/// per connection; on reconnect, deliveries of earlier connections are dropped (the broker
/// redelivers them).
final class DeliveryBuffer: Sendable {
    private struct Waiter: Sendable {
        let id: UInt64
        let continuation: CheckedContinuation<Delivery?, Never>
    }

    private struct State: Sendable {
        var items: [Delivery] = []
        var head = 0
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 1
        var reserved: Set<UInt64> = []
        var cancelledBeforeWaiting: Set<UInt64> = []
        var isFinished = false

        mutating func popFirst() -> Delivery? {
            guard head < items.count else { return nil }
            let item = items[head]
            head += 1
            if head > 256 && head * 2 > items.count {
                items.removeFirst(head)
                head = 0
            }
            return item
        }
    }

    private let state = Mutex(State())

    /// Hands `delivery` to a waiting reader or keeps it.
    func push(_ delivery: Delivery) {
        let waiter: Waiter? = state.withLock { state in
            if !state.waiters.isEmpty {
                return state.waiters.removeFirst()
            }
            state.items.append(delivery)
            return nil
        }
        waiter?.continuation.resume(returning: delivery)
    }

    /// The next delivery; `nil` once finished or when the calling task is cancelled.
    func next() async -> Delivery? {
        if Task.isCancelled { return nil }
        // A kept delivery needs no continuation: the common case while deliveries arrive faster
        // than they are handled.
        let kept: Delivery?? = state.withLock { state in
            if let item = state.popFirst() { return .some(item) }
            return state.isFinished ? .some(nil) : .none
        }
        if case .some(let result) = kept { return result }
        let id = state.withLock { state in
            let id = state.nextWaiterID
            state.nextWaiterID += 1
            state.reserved.insert(id)
            return id
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Delivery?, Never>) in
                let immediate: Delivery?? = state.withLock { state in
                    state.reserved.remove(id)
                    if state.cancelledBeforeWaiting.remove(id) != nil { return .some(nil) }
                    if let item = state.popFirst() { return .some(item) }
                    if state.isFinished { return .some(nil) }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return .none
                }
                if case .some(let result) = immediate {
                    continuation.resume(returning: result)
                }
            }
        } onCancel: {
            let waiter: Waiter? = state.withLock { state in
                if let index = state.waiters.firstIndex(where: { $0.id == id }) {
                    return state.waiters.remove(at: index)
                }
                if state.reserved.contains(id) {
                    state.cancelledBeforeWaiting.insert(id)
                }
                return nil
            }
            waiter?.continuation.resume(returning: nil)
        }
    }

    /// Up to `limit` kept deliveries, without waiting: what is there now.
    func takeAvailable(upTo limit: Int) -> [Delivery] {
        guard limit > 0 else { return [] }
        return state.withLock { state in
            var taken: [Delivery] = []
            while taken.count < limit, let item = state.popFirst() {
                taken.append(item)
            }
            return taken
        }
    }

    /// Drops kept deliveries of connections before `generation`. Returns how many.
    @discardableResult
    func discard(olderThan generation: UInt64) -> Int {
        state.withLock { state in
            let kept = state.items[state.head...].filter { $0.generation >= generation }
            let dropped = state.items.count - state.head - kept.count
            state.items = Array(kept)
            state.head = 0
            return dropped
        }
    }

    /// No more deliveries: readers get `nil` once the kept ones are taken.
    func finish() {
        let waiters: [Waiter] = state.withLock { state in
            state.isFinished = true
            let waiters = state.waiters
            state.waiters.removeAll()
            return waiters
        }
        for waiter in waiters {
            waiter.continuation.resume(returning: nil)
        }
    }
}
