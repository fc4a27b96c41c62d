import ConveyorRuntime
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The `data` of every order event: a snapshot of the order when the event happened.
///
/// Consumers get everything they need from the event (the notifier writes its e-mail from
/// it) without reading another service's tables.
public struct OrderEventData: Hashable, Sendable, Codable {
    public var orderId: UUID
    public var status: OrderStatus
    public var customer: Customer
    public var items: [LineItem]
    public var total: Money
    /// Why the order failed or was cancelled, when it did.
    public var reason: String?

    public init(orderId: UUID, status: OrderStatus, customer: Customer, items: [LineItem], total: Money, reason: String? = nil) {
        self.orderId = orderId
        self.status = status
        self.customer = customer
        self.items = items
        self.total = total
        self.reason = reason
    }

    public init(order: Order, reason: String? = nil) {
        self.init(
            orderId: order.id, status: order.status, customer: order.customer, items: order.items, total: order.total,
            reason: reason ?? order.failureReason)
    }
}

/// A CloudEvents envelope carrying an order event.
public typealias OrderEvent = EventEnvelope<OrderEventData>

extension EventEnvelope where Payload == OrderEventData {
    /// An order event of `type` from `source`, whose subject is the order id.
    public init(id: UUID = .timeOrdered(), type: EventType, source: String, time: Date = Date(), traceparent: String? = nil, data: OrderEventData) {
        self.init(
            id: id, type: type.rawValue, source: source, time: time, subject: data.orderId.lowercasedString,
            traceparent: traceparent, data: data)
    }

    /// The event's type, if it is one Conveyor knows.
    public var eventType: EventType? { EventType(rawValue: type) }
}
