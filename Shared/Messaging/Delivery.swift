/// A message delivered by a ``Consumer``, to be settled exactly once with ``ack()`` or
/// ``reject(requeue:)``.
///
/// A delivery belongs to the connection it arrived on. When that connection is gone the broker
/// requeues it, and settling it is a logged no-op that returns false.
public struct Delivery: Sendable {
    public let message: Message
    /// The exchange the message was published to (`""` for the default exchange).
    public let exchange: String
    /// The routing key of this copy. A retried message arrives with its work queue's name here;
    /// see ``eventRoutingKey``.
    public let routingKey: String
    /// The broker delivered this message before (to this or another consumer) without an ack.
    public let redelivered: Bool
    public let deliveryTag: UInt64
    /// The queue it was consumed from.
    public let queue: String
    /// Which connection of the consumer it came on, counting from 1.
    package let generation: UInt64
    let settler: any DeliverySettler

    init(
        message: Message, exchange: String, routingKey: String, redelivered: Bool,
        deliveryTag: UInt64, queue: String, generation: UInt64, settler: any DeliverySettler
    ) {
        self.message = message
        self.exchange = exchange
        self.routingKey = routingKey
        self.redelivered = redelivered
        self.deliveryTag = deliveryTag
        self.queue = queue
        self.generation = generation
        self.settler = settler
    }

    /// The routing key the message was first published with (its event type): the
    /// `conveyor-origin-routing-key` header of a retried or replayed copy, else ``routingKey``.
    public var eventRoutingKey: String {
        message.headers[ConveyorHeader.originRoutingKey]?.stringValue ?? routingKey
    }

    /// Which attempt this is (`conveyor-attempt`, 1 when absent).
    public var attempt: Int {
        RetryPolicy.attempt(of: message)
    }

    /// Acknowledges the delivery: queues the ack for its connection, which sends it with the next
    /// batch, without waiting for the write. Returns false when its connection is gone (the
    /// broker will redeliver it).
    @discardableResult
    public func ack() async -> Bool {
        await settler.settle(deliveryTag: deliveryTag, generation: generation, as: .ack)
    }

    /// Rejects the delivery: back to the queue when `requeue`, else dead-lettered (or dropped
    /// without a dead-letter exchange). Returns false when its connection is gone.
    @discardableResult
    public func reject(requeue: Bool) async -> Bool {
        await settler.settle(deliveryTag: deliveryTag, generation: generation, as: .reject(requeue: requeue))
    }
}
