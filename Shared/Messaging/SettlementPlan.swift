/// What to do with a delivery after its handler ran: decided by ``RetryPolicy/plan(for:attempt:)``,
/// carried out by ``DeliveryProcessor``.
public enum SettlementPlan: Sendable, Hashable {
    /// Acknowledge the delivery.
    case acknowledge
    /// Publish a copy to retry tier `tier` with `conveyor-attempt = nextAttempt` and the failure
    /// headers, then acknowledge the delivery.
    case retry(tier: Int, nextAttempt: Int, reason: String, detail: String)
    /// Publish a copy with the failure headers to the dead-letter queue, then acknowledge.
    case deadLetter(reason: String, detail: String)
    /// Keep the delivery unacknowledged; run the handler on it again after a backoff.
    case awaitDependency(detail: String)
}
