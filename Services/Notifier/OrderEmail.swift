import ConveyorRuntime
import Orders

/// The e-mail a customer gets about an order event: the subject names the order and its
/// status; the plain-text body lists the items and the total.
struct OrderEmail: Equatable, Sendable {
    var subject: String
    var body: String

    init(event: OrderEvent) {
        let order = event.data
        let id = order.orderId.lowercasedString
        let headline: String
        switch event.eventType {
        case .orderProcessed?:
            headline = "Your order has been processed and is on its way."
        case .orderFailed?:
            headline = "We could not complete your order" + (order.reason.map { " (\(Self.describe($0)))" } ?? "") + "."
        case .orderCancelled?:
            headline = "Your order has been cancelled."
        default:
            headline = "Your order is \(order.status.rawValue.lowercased())."
        }
        subject = "Order \(id): \(order.status.rawValue)"

        var lines: [String] = []
        lines.append("Hello \(order.customer.name ?? order.customer.id),")
        lines.append("")
        lines.append(headline)
        lines.append("")
        lines.append("Order: \(id)")
        lines.append("Status: \(order.status.rawValue)")
        lines.append("")
        lines.append("Items:")
        for item in order.items {
            let lineTotal = (try? item.lineTotal()) ?? item.unitPrice
            lines.append("  \(item.quantity) x \(item.name) (\(item.sku)) at \(item.unitPrice) = \(lineTotal)")
        }
        lines.append("")
        lines.append("Total: \(order.total)")
        lines.append("")
        lines.append("Thank you for your order.")
        body = lines.joined(separator: "\n") + "\n"
    }

    /// Words for a failure reason code.
    static func describe(_ reason: String) -> String {
        switch reason {
        case "out_of_stock": "an item is out of stock"
        case "payment_declined": "the payment was declined"
        default: reason.replacing("_", with: " ")
        }
    }
}
