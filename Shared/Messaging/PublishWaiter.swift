import Synchronization

/// Who waits for one booked publish: a caller of ``Publisher/publish(_:exchange:routingKey:)``,
/// or one message of a ``Publisher/publish(_:)`` batch.
enum PublishWaiter: Sendable {
    case single(CheckedContinuation<Void, any Error>)
    case batch(PublishBatchWaiter, index: Int)

    /// Hands over the outcome: `nil` when the broker confirmed the message. Call once, outside
    /// the ledger's lock (a caller resumes from here).
    func complete(_ error: (any Error)?) {
        switch self {
        case .single(let continuation):
            if let error {
                continuation.resume(throwing: error)
            } else {
                continuation.resume()
            }
        case .batch(let waiter, let index):
            waiter.complete(index, error)
        }
    }
}

/// Collects the outcomes of a batch of publishes and resumes its caller once, when the last one
/// is known.
final class PublishBatchWaiter: Sendable {
    private struct State: Sendable {
        var results: [Result<Void, any Error>]
        var remaining: Int
        var continuation: CheckedContinuation<[Result<Void, any Error>], Never>?
    }

    private let state: Mutex<State>

    init(count: Int, continuation: CheckedContinuation<[Result<Void, any Error>], Never>) {
        precondition(count > 0, "a batch holds at least one publish")
        state = Mutex(State(results: Array(repeating: .success(()), count: count), remaining: count, continuation: continuation))
    }

    func complete(_ index: Int, _ error: (any Error)?) {
        let finished: (CheckedContinuation<[Result<Void, any Error>], Never>, [Result<Void, any Error>])? = state.withLock { state in
            guard let continuation = state.continuation else { return nil }
            if let error {
                state.results[index] = .failure(error)
            }
            state.remaining -= 1
            guard state.remaining == 0 else { return nil }
            state.continuation = nil
            return (continuation, state.results)
        }
        if let (continuation, results) = finished {
            continuation.resume(returning: results)
        }
    }
}
