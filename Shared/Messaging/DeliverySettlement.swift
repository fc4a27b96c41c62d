/// How a delivery is settled with the broker.
enum DeliverySettlement: Sendable, Hashable {
    case ack
    case reject(requeue: Bool)
}
