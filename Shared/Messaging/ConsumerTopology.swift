/// Conveyor's standard topology for one consumer `C`:
///
/// - `conveyor.events` (topic, durable) and `conveyor.dlx` (direct, durable);
/// - `C.work`: quorum queue bound to `C`'s routing keys on `conveyor.events`, with a positive
///   `x-delivery-limit` (a crash-loop guard) and dead-lettering to `conveyor.dlx` / `C.dlq`;
/// - `C.retry.<delay>` per retry tier (`C.retry.5s`, `C.retry.2m`): `x-message-ttl` = the delay,
///   dead-lettering through the default exchange to `C.work`;
/// - `C.dlq`: quorum queue bound on `conveyor.dlx` with key `C.dlq`.
///
/// Retry queues are quorum queues with `x-dead-letter-strategy = at-least-once` (which needs
/// `x-overflow = reject-publish`): a message moves from the retry queue to `C.work` with an
/// internal publisher confirm and is replicated while it waits, so neither a broker crash nor a
/// node loss drops a message between tiers. Classic queues dead-letter at most once. Quorum
/// queues expire messages only at the head, which is exact here because every message in a tier
/// has the same TTL. (Quorum TTL and at-least-once dead-lettering need RabbitMQ 3.10 or later.)
/// The work queue dead-letters at least once too, for the same reason.
public struct ConsumerTopology: Sendable, Hashable {
    /// The consumer's name, the prefix of its queues: `order-processor`, `notifier`.
    public var consumer: String
    /// Routing keys (patterns) `C.work` is bound with on the events exchange.
    public var routingKeys: [String]
    public var retryPolicy: RetryPolicy
    /// `x-delivery-limit` of `C.work`. Default 20.
    public var deliveryLimit: Int
    public var eventsExchange: String
    public var deadLetterExchange: String

    public static let defaultEventsExchange = "conveyor.events"
    public static let defaultDeadLetterExchange = "conveyor.dlx"

    public init(
        consumer: String,
        routingKeys: [String],
        retryPolicy: RetryPolicy = RetryPolicy(),
        deliveryLimit: Int = 20,
        eventsExchange: String = ConsumerTopology.defaultEventsExchange,
        deadLetterExchange: String = ConsumerTopology.defaultDeadLetterExchange
    ) {
        precondition(deliveryLimit > 0, "x-delivery-limit must be positive")
        self.consumer = consumer
        self.routingKeys = routingKeys
        self.retryPolicy = retryPolicy
        self.deliveryLimit = deliveryLimit
        self.eventsExchange = eventsExchange
        self.deadLetterExchange = deadLetterExchange
    }

    public var workQueue: String { "\(consumer).work" }
    public var deadLetterQueue: String { "\(consumer).dlq" }

    /// The queue of retry tier `tier`.
    public func retryQueue(tier: Int) -> String {
        "\(consumer).retry.\(retryTierLabel(tier))"
    }

    /// The delay of retry tier `tier` as its queue name spells it: `1s`, `5s`, `2m`.
    public func retryTierLabel(_ tier: Int) -> String {
        Self.label(for: retryPolicy.delays[tier])
    }

    /// All the declarations, in dependency order.
    public var topology: Topology {
        let atLeastOnce: [String: HeaderValue] = [
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
        ]
        var queues = [
            Topology.Queue(
                name: workQueue,
                kind: .quorum,
                deliveryLimit: deliveryLimit,
                deadLetterExchange: deadLetterExchange,
                deadLetterRoutingKey: deadLetterQueue,
                arguments: atLeastOnce
            ),
        ]
        for (tier, delay) in retryPolicy.delays.enumerated() {
            queues.append(
                Topology.Queue(
                    name: retryQueue(tier: tier),
                    kind: .quorum,
                    deadLetterExchange: "",
                    deadLetterRoutingKey: workQueue,
                    messageTTL: delay,
                    arguments: atLeastOnce
                )
            )
        }
        queues.append(Topology.Queue(name: deadLetterQueue, kind: .quorum, deliveryLimit: Self.deadLetterQueueDeliveryLimit))
        var bindings = routingKeys.map {
            Topology.Binding(queue: workQueue, exchange: eventsExchange, routingKey: $0)
        }
        bindings.append(Topology.Binding(queue: deadLetterQueue, exchange: deadLetterExchange, routingKey: deadLetterQueue))
        return Topology(
            exchanges: [
                Topology.Exchange(name: eventsExchange, kind: .topic),
                Topology.Exchange(name: deadLetterExchange, kind: .direct),
            ],
            queues: queues,
            bindings: bindings
        )
    }

    /// The dead-letter queue's `x-delivery-limit`. A DLQ has no dead-letter target of its own,
    /// so a message over its delivery limit would be dropped — and RabbitMQ 4 gives quorum
    /// queues a default limit of 20 returns (shutdowns, lost connections). A limit no real
    /// redelivery count reaches keeps every dead letter on 3.10 and 4.x alike (a negative limit,
    /// 4.x's "unlimited", means "drop after one try" on 3.10).
    public static let deadLetterQueueDeliveryLimit = 1_000_000

    /// `200ms`, `1s`, `30s`, `2m`, `1h`: the largest unit that divides the delay.
    public static func label(for delay: Duration) -> String {
        let milliseconds = delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000
        if milliseconds % 3_600_000 == 0 { return "\(milliseconds / 3_600_000)h" }
        if milliseconds % 60_000 == 0 { return "\(milliseconds / 60_000)m" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        return "\(milliseconds)ms"
    }
}
