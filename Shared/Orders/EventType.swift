/// The domain events Conveyor publishes; each one's raw value is its CloudEvents `type` and its
/// routing key on the `conveyor.events` exchange.
public enum EventType: String, Sendable, Codable, CaseIterable {
    case orderCreated = "order.created"
    case orderProcessed = "order.processed"
    case orderFailed = "order.failed"
    case orderCancelled = "order.cancelled"

    public var routingKey: String { rawValue }
}
