import Synchronization

/// Counts running handlers of a ``DeliveryProcessor`` against its concurrency limit.
final class IntakeSlots: Sendable {
    private struct State: Sendable {
        var free: Int
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state: Mutex<State>

    init(count: Int) {
        state = Mutex(State(free: count))
    }

    func release() {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { state in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.free += 1
            return nil
        }
        waiter?.resume()
    }

    /// Takes a slot, waiting until a running handler releases one. One caller at a time (the
    /// intake loop); handlers always finish, also on shutdown, so the wait ends.
    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = state.withLock { state in
                if state.free > 0 {
                    state.free -= 1
                    return true
                }
                state.waiter = continuation
                return false
            }
            if acquired { continuation.resume() }
        }
    }
}
