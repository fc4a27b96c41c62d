import Synchronization

/// Controls whether a ``DeliveryProcessor`` takes new deliveries: closed while any handler waits
/// for an unavailable dependency, and stopped for good on shutdown.
final class IntakeGate: Sendable {
    private struct Waiter: Sendable {
        let id: UInt64
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State: Sendable {
        var pausedHandlers = 0
        var isStopped = false
        var nextID: UInt64 = 1
        var reserved: Set<UInt64> = []
        var cancelledEarly: Set<UInt64> = []
        var openWaiters: [Waiter] = []
        var stopWaiters: [Waiter] = []
    }

    private let state = Mutex(State())

    var isStopped: Bool {
        state.withLock { $0.isStopped }
    }

    /// A handler starts waiting for a dependency: no new deliveries until it is done.
    func pause() {
        state.withLock { $0.pausedHandlers += 1 }
    }

    /// A handler stopped waiting for a dependency.
    func resume() {
        let waiters: [Waiter] = state.withLock { state in
            state.pausedHandlers -= 1
            guard state.pausedHandlers == 0 else { return [] }
            defer { state.openWaiters.removeAll() }
            return state.openWaiters
        }
        waiters.forEach { $0.continuation.resume() }
    }

    /// Stops intake for good and wakes everyone waiting.
    func stop() {
        let waiters: [Waiter] = state.withLock { state in
            state.isStopped = true
            defer {
                state.openWaiters.removeAll()
                state.stopWaiters.removeAll()
            }
            return state.openWaiters + state.stopWaiters
        }
        waiters.forEach { $0.continuation.resume() }
    }

    /// Returns when no handler waits for a dependency, or the gate is stopped, or the task is
    /// cancelled.
    func waitUntilOpen() async {
        await wait { state in state.pausedHandlers == 0 || state.isStopped } enqueue: { state, waiter in
            state.openWaiters.append(waiter)
        }
    }

    /// Returns when the gate is stopped or the task is cancelled.
    func waitUntilStopped() async {
        await wait { state in state.isStopped } enqueue: { state, waiter in
            state.stopWaiters.append(waiter)
        }
    }

    /// Sleeps `duration`, returning early when the gate is stopped.
    func sleep(for duration: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: duration) }
            group.addTask { await self.waitUntilStopped() }
            await group.next()
            group.cancelAll()
        }
    }

    private func wait(
        until isSatisfied: @escaping @Sendable (State) -> Bool,
        enqueue: @escaping @Sendable (inout State, Waiter) -> Void
    ) async {
        let id = state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.reserved.insert(id)
            return id
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state in
                    state.reserved.remove(id)
                    if state.cancelledEarly.remove(id) != nil || isSatisfied(state) { return true }
                    enqueue(&state, Waiter(id: id, continuation: continuation))
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let waiter: Waiter? = state.withLock { state in
                if let index = state.openWaiters.firstIndex(where: { $0.id == id }) {
                    return state.openWaiters.remove(at: index)
                }
                if let index = state.stopWaiters.firstIndex(where: { $0.id == id }) {
                    return state.stopWaiters.remove(at: index)
                }
                if state.reserved.contains(id) { state.cancelledEarly.insert(id) }
                return nil
            }
            waiter?.continuation.resume()
        }
    }
}
