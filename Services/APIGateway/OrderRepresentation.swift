import ConveyorRuntime
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Orders

/// The body of `201 Created` (and of an idempotent replay of it).
struct CreatedOrder: Codable, Sendable, Equatable {
    var orderId: String
    var eventId: String
    var status: OrderStatus
    var totalMinorUnits: Int64
    var currency: String
    var location: String

    init(order: Order, eventID: UUID) {
        orderId = order.id.lowercasedString
        eventId = eventID.lowercasedString
        status = order.status
        totalMinorUnits = order.total.minorUnits
        currency = order.total.currency.code
        location = OrderRoutes.location(of: order.id)
    }
}

/// One line of an order in the API.
struct LineItemRepresentation: Codable, Sendable {
    var sku: String
    var name: String
    var qty: Int
    var unitPriceMinorUnits: Int64
    var lineTotalMinorUnits: Int64

    init(_ item: LineItem) {
        sku = item.sku
        name = item.name
        qty = item.quantity
        unitPriceMinorUnits = item.unitPrice.minorUnits
        lineTotalMinorUnits = item.unitPrice.minorUnits * Int64(item.quantity)
    }
}

/// `GET /orders/{id}`: the order with its items, history, notifications and dead letters.
struct OrderDetail: Encodable, Sendable {
    struct HistoryEntry: Encodable, Sendable {
        var from: String?
        var to: String
        var step: String
        var actor: String
        var detail: JSONValue?
        var at: Date
    }

    struct Notification: Encodable, Sendable {
        var eventId: String
        var channel: String
        var recipient: String
        var subject: String
        var status: String
        var attempts: Int
        var error: String?
        var sentAt: Date?
    }

    struct DeadLetter: Encodable, Sendable {
        var queue: String
        var eventType: String?
        var reason: String
        var detail: String?
        var attempts: Int
        var failedAt: Date
        var status: String
        var replayCount: Int
    }

    /// Whether the order's processing is waiting in a dead-letter queue, and why.
    struct DeadLettering: Encodable, Sendable {
        var deadLettered: Bool
        var reason: String?
        var entries: [DeadLetter]
    }

    var orderId: String
    var status: OrderStatus
    var failureReason: String?
    var customer: Customer
    var currency: String
    var totalMinorUnits: Int64
    var items: [LineItemRepresentation]
    var version: Int
    var createdAt: Date
    var updatedAt: Date
    var history: [HistoryEntry]
    var notifications: [Notification]
    var processing: DeadLettering
}

/// One order in `GET /orders`.
struct OrderSummary: Encodable, Sendable {
    var orderId: String
    var customerId: String
    var status: OrderStatus
    var totalMinorUnits: Int64
    var currency: String
    var createdAt: Date
}

/// `GET /orders`: a page, newest first.
struct OrderPage: Encodable, Sendable {
    var items: [OrderSummary]
    /// Pass as `cursor` for the next page; null on the last page.
    var nextCursor: String?
}

/// The body of a successful `POST /orders/{id}/cancel`.
struct CancelledOrder: Encodable, Sendable {
    var orderId: String
    var status: OrderStatus
    var eventId: String
}
