/// One line of an order: a sku and its quantity.
struct OrderLine: Sendable, Equatable {
    var sku: String
    var qty: Int
}
