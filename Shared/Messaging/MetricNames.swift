/// The Messaging module's metric names and label keys, in one place (a Prometheus registry
/// traps when one name is registered with different label keys).
///
/// | name | type | labels |
/// |---|---|---|
/// | `conveyor_amqp_connected` | gauge (1 connected, 0 not) | role, queue |
/// | `conveyor_amqp_reconnects_total` | counter: reconnect attempts after a failure | role, queue |
/// | `conveyor_amqp_published_total` | counter: messages sent (republished ones again) | — |
/// | `conveyor_amqp_confirmed_total` | counter: publishes confirmed to their callers | — |
/// | `conveyor_amqp_returned_total` | counter: unroutable messages returned | — |
/// | `conveyor_amqp_nacked_total` | counter: publishes the broker nacked | — |
/// | `conveyor_amqp_publish_timeouts_total` | counter: publishes that timed out | — |
/// | `conveyor_amqp_delivered_total` | counter: deliveries received | queue |
/// | `conveyor_messages_processed_total` | counter: handler outcomes | queue, outcome |
/// | `conveyor_messages_retried_total` | counter: messages sent to a retry tier | queue, tier |
/// | `conveyor_messages_dead_lettered_total` | counter: messages sent to the DLQ | queue, reason |
/// | `conveyor_message_handling_seconds` | histogram: time in the handler, per attempt | queue |
/// | `conveyor_message_lag_seconds` | histogram: delivery time minus the message's timestamp (1 s resolution) | queue |
///
/// `role` is `publisher` or `consumer`; `queue` is the consumed queue (empty for publishers);
/// `outcome` is `done`, `duplicate`, `retry`, `dead_letter` or `dependency_unavailable`;
/// `tier` is the retry queue's delay (`1s`, `5s`, …); `reason` is the failure reason the
/// handler gave (a fixed set per service, e.g. `injected-failure`, `malformed`).
enum MetricNames {
    static let connected = "conveyor_amqp_connected"
    static let reconnects = "conveyor_amqp_reconnects_total"
    static let published = "conveyor_amqp_published_total"
    static let confirmed = "conveyor_amqp_confirmed_total"
    static let returned = "conveyor_amqp_returned_total"
    static let nacked = "conveyor_amqp_nacked_total"
    static let publishTimeouts = "conveyor_amqp_publish_timeouts_total"
    static let delivered = "conveyor_amqp_delivered_total"
    static let processed = "conveyor_messages_processed_total"
    static let retried = "conveyor_messages_retried_total"
    static let deadLettered = "conveyor_messages_dead_lettered_total"
    static let handling = "conveyor_message_handling_seconds"
    static let lag = "conveyor_message_lag_seconds"

    static let role = "role"
    static let queue = "queue"
    static let outcome = "outcome"
    static let tier = "tier"
    static let reason = "reason"
}
