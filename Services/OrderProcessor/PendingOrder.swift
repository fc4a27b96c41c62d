#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Orders

/// An order as order-processor reads it before processing: locked, with its lines in sku order.
struct PendingOrder: Sendable, Equatable {
    var id: UUID
    var status: OrderStatus
    var customerID: String
    var total: Money
    var items: [OrderLine]
}
