/// What a message handler reports about one delivery.
public enum HandlerOutcome: Sendable, Hashable {
    /// Handled: acknowledge it.
    case done
    /// Handled before (a redelivered or replayed copy the handler recognised and skipped):
    /// acknowledge it, counted apart from ``done``.
    case duplicate
    /// A failure worth retrying later: the message goes to the next retry tier, or to the
    /// dead-letter queue after the last attempt.
    case retry(reason: String, detail: String)
    /// A failure retrying cannot fix: straight to the dead-letter queue.
    case giveUp(reason: String, detail: String)
    /// The message cannot be decoded or fails validation: straight to the dead-letter queue with
    /// reason `malformed`.
    case malformed(detail: String)
    /// A dependency (database, mail server) is down: not the message's fault. The delivery is
    /// kept, no attempt is counted, and the handler runs again on it after a backoff while the
    /// consumer takes no new deliveries.
    case dependencyUnavailable(detail: String)
}
