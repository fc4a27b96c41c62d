#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An order as Conveyor stores it.
public struct Order: Hashable, Sendable, Codable {
    public var id: UUID
    public var customer: Customer
    public var items: [LineItem]
    public var total: Money
    public var status: OrderStatus
    public var failureReason: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: UUID, customer: Customer, items: [LineItem], total: Money, status: OrderStatus,
        failureReason: String? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.customer = customer
        self.items = items
        self.total = total
        self.status = status
        self.failureReason = failureReason
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The sum of the line totals, all in `currency`.
    public static func total(of items: [LineItem], in currency: Currency) throws(MoneyError) -> Money {
        var total = Money.zero(currency)
        for item in items {
            total = try total.adding(item.lineTotal())
        }
        return total
    }
}
