/// One line of an order: a catalog item, its quantity and the price it was sold at.
public struct LineItem: Hashable, Sendable, Codable {
    public var sku: String
    public var name: String
    public var quantity: Int
    /// Price of one unit, from the catalog at the time of the order.
    public var unitPrice: Money

    public init(sku: String, name: String, quantity: Int, unitPrice: Money) {
        self.sku = sku
        self.name = name
        self.quantity = quantity
        self.unitPrice = unitPrice
    }

    /// `unitPrice × quantity`.
    public func lineTotal() throws(MoneyError) -> Money {
        try unitPrice.multiplied(by: quantity)
    }
}
