import Synchronization

/// Gathers the work of concurrent callers into batches ("group commit"): a caller submits one
/// input and gets its own output, but inputs submitted while a batch is being performed wait
/// and are performed together in the next one.
///
/// Nothing waits to fill a batch. A caller that finds fewer than `concurrentBatches` batches
/// running performs a batch at once, on its own task: its input and whatever else is waiting,
/// up to `maxBatchSize`. When it is done it wakes the first caller still waiting, which
/// performs the next batch. Under light load every batch holds one input; under heavy load
/// batches grow by themselves.
public final class Batcher<Input: Sendable, Output: Sendable>: Sendable {
    /// Performs one batch: one result per input, in the same order.
    public typealias Perform = @Sendable ([Input]) async -> [Result<Output, any Error>]

    private enum Turn: Sendable {
        /// Perform the next batch, starting with your own input.
        case lead
        case done(Result<Output, any Error>)
    }

    private struct Waiter: Sendable {
        let input: Input
        let continuation: CheckedContinuation<Turn, Never>
    }

    private struct State: Sendable {
        var waiting: [Waiter] = []
        var head = 0
        var running = 0

        mutating func take(upTo limit: Int) -> [Waiter] {
            let end = min(waiting.count, head + limit)
            let taken = Array(waiting[head..<end])
            head = end
            if head == waiting.count {
                waiting.removeAll(keepingCapacity: true)
                head = 0
            }
            return taken
        }
    }

    private let state = Mutex(State())
    private let maxBatchSize: Int
    private let concurrentBatches: Int
    private let perform: Perform

    public init(maxBatchSize: Int, concurrentBatches: Int = 1, perform: @escaping Perform) {
        precondition(maxBatchSize > 0 && concurrentBatches > 0)
        self.maxBatchSize = maxBatchSize
        self.concurrentBatches = concurrentBatches
        self.perform = perform
    }

    /// Performs `input` in a batch and returns its output, or throws its error.
    ///
    /// A batch is performed to its end even when the task that performs it is cancelled: the
    /// other callers in it are owed their answers.
    public func submit(_ input: Input) async throws -> Output {
        let turn: Turn = await withCheckedContinuation { continuation in
            let leads = state.withLock { state in
                if state.running < concurrentBatches {
                    state.running += 1
                    return true
                }
                state.waiting.append(Waiter(input: input, continuation: continuation))
                return false
            }
            if leads { continuation.resume(returning: .lead) }
        }
        switch turn {
        case .done(let result):
            return try result.get()
        case .lead:
            return try await lead(with: input).get()
        }
    }

    private func lead(with input: Input) async -> Result<Output, any Error> {
        let others = state.withLock { $0.take(upTo: maxBatchSize - 1) }
        let inputs = [input] + others.map(\.input)
        let perform = self.perform
        let results = await Task { await perform(inputs) }.value
        precondition(results.count == inputs.count, "a batch returns one result per input")
        for (waiter, result) in zip(others, results.dropFirst()) {
            waiter.continuation.resume(returning: .done(result))
        }
        // The slot passes to the first caller still waiting, or is given back.
        let next: Waiter? = state.withLock { state in
            if let next = state.take(upTo: 1).first { return next }
            state.running -= 1
            return nil
        }
        next?.continuation.resume(returning: .lead)
        return results[0]
    }
}
