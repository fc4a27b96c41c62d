import Foundation

/// The orders a run posts: which skus each order contains, and whose they are.
///
/// Order `i` holds two lines of one unit each, `skus[i % n]` and `skus[(i + 1) % n]` (one
/// line when there is one sku), so every sku is ordered equally often and, with few skus,
/// every order touches the same inventory rows (in alternating order). The customer id names
/// the run; each order's e-mail address is a mailbox of its own, so the SMTP sink shows which
/// order each message belongs to.
struct OrderMix: Sendable {
    let skus: [String]
    let customerID: String

    static let mailDomain = "load.conveyor.test"

    /// Units of each sku that `orders` orders take at most.
    func unitsPerSku(orders: Int) -> Int {
        skus.count <= 2 ? orders : (2 * orders + skus.count - 1) / skus.count
    }

    func lines(index: Int) -> [String] {
        guard skus.count > 1 else { return skus }
        return [skus[index % skus.count], skus[(index + 1) % skus.count]]
    }

    /// The body of order `index`: e-mailed to `mailbox`, with `orderId` only when the client
    /// names its orders (else the gateway does).
    func json(index: Int, mailbox: UUID, orderID: UUID?) -> String {
        let items = lines(index: index).map { #"{"sku":"\#($0)","qty":1}"# }.joined(separator: ",")
        let id = orderID.map { #""orderId":"\#($0.uuidString.lowercased())","# } ?? ""
        return #"{\#(id)"customerId":"\#(customerID)","customerEmail":"\#(mailbox.uuidString.lowercased())@\#(Self.mailDomain)","items":[\#(items)]}"#
    }
}
