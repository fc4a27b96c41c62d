/// Sends a delivery's ack or reject on the connection it came from.
protocol DeliverySettler: Sendable {
    /// Returns false, doing nothing, when `generation` is not the current connection's: the
    /// broker has requeued the delivery and will deliver it again.
    func settle(deliveryTag: UInt64, generation: UInt64, as settlement: DeliverySettlement) async -> Bool
}
