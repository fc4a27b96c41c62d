/// Header names Conveyor's applications own. The broker never sets or reads them, so failure
/// handling behaves the same on every RabbitMQ version.
public enum ConveyorHeader {
    /// Which attempt this copy of the message is: absent means 1.
    public static let attempt = "conveyor-attempt"
    /// Why the last attempt failed (`malformed`, a handler's reason, …).
    public static let failureReason = "conveyor-failure-reason"
    /// Human-readable detail of the last failure.
    public static let failureDetail = "conveyor-failure-detail"
    /// When the last attempt failed, ISO 8601 UTC.
    public static let failedAt = "conveyor-failed-at"
    /// The work queue the message failed in.
    public static let originQueue = "conveyor-origin-queue"
    /// The routing key the message was first published with (its event type).
    public static let originRoutingKey = "conveyor-origin-routing-key"
    /// How many times an operator replayed the message from a dead-letter queue.
    public static let replayCount = "conveyor-replay-count"
    /// W3C trace context.
    public static let traceparent = "traceparent"

    /// Headers the broker writes about the path of a previous copy (dead-lettering history and
    /// quorum delivery counts). Copies Conveyor republishes leave them out: they describe the old
    /// copy, and brokers disagree on whether a client may set them (3.13+ ignores `x-death`).
    static let brokerOwned: Set<String> = [
        "x-death", "x-first-death-exchange", "x-first-death-queue", "x-first-death-reason",
        "x-last-death-exchange", "x-last-death-queue", "x-last-death-reason", "x-delivery-count",
    ]
}
