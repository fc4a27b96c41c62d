/// How often and after which delays a failed message is tried again before it is dead-lettered.
///
/// Counting is the application's (header `conveyor-attempt`), never the broker's: RabbitMQ 4.3
/// stopped counting nacks and 3.13 ignores a client-set `x-death`, so this behaves the same on
/// 3.10 and 4.x.
public struct RetryPolicy: Sendable, Hashable {
    /// The retry tiers: attempt n (counting from 1) that fails waits `delays[min(n-1, last)]`.
    public var delays: [Duration]
    /// Attempts in total, the first included (like SQS `maxReceiveCount`). After the last, the
    /// message goes to the dead-letter queue.
    public var maxAttempts: Int

    /// The reason recorded for ``HandlerOutcome/malformed(detail:)``.
    public static let malformedReason = "malformed"

    /// - Parameters:
    ///   - delays: default 1 s, 5 s, 30 s, 2 min.
    ///   - maxAttempts: default 5.
    public init(
        delays: [Duration] = [.seconds(1), .seconds(5), .seconds(30), .seconds(120)],
        maxAttempts: Int = 5
    ) {
        precondition(maxAttempts >= 1, "maxAttempts must be at least 1")
        precondition(!delays.isEmpty || maxAttempts == 1, "retries need at least one delay tier")
        precondition(delays.allSatisfy { $0 > .zero }, "retry delays must be positive")
        self.delays = delays
        self.maxAttempts = maxAttempts
    }

    /// The settlement for `outcome` of attempt `attempt` (1 for the first delivery).
    public func plan(for outcome: HandlerOutcome, attempt: Int) -> SettlementPlan {
        let attempt = max(1, attempt)
        switch outcome {
        case .done, .duplicate:
            return .acknowledge
        case .retry(let reason, let detail):
            guard attempt < maxAttempts else {
                return .deadLetter(reason: reason, detail: detail)
            }
            return .retry(tier: tierIndex(afterAttempt: attempt), nextAttempt: attempt + 1, reason: reason, detail: detail)
        case .giveUp(let reason, let detail):
            return .deadLetter(reason: reason, detail: detail)
        case .malformed(let detail):
            return .deadLetter(reason: Self.malformedReason, detail: detail)
        case .dependencyUnavailable(let detail):
            return .awaitDependency(detail: detail)
        }
    }

    /// The tier a message waits in after failed attempt `attempt`.
    public func tierIndex(afterAttempt attempt: Int) -> Int {
        min(max(0, attempt - 1), delays.count - 1)
    }

    /// The attempt a message is on: its `conveyor-attempt` header, 1 when absent or invalid.
    public static func attempt(of message: Message) -> Int {
        guard let value = message.headers[ConveyorHeader.attempt]?.intValue, value >= 1 else { return 1 }
        return Int(clamping: value)
    }
}
