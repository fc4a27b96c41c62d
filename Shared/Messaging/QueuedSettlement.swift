/// An ack or reject waiting for the consumer's I/O loop.
struct QueuedSettlement {
    var deliveryTag: UInt64
    var generation: UInt64
    var settlement: DeliverySettlement
}
