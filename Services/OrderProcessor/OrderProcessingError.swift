/// Technical failures of processing an order: worth retrying, and dead-lettered when retries
/// do not help. Business outcomes (out of stock, payment declined) are not errors: they end
/// the order `FAILED`.
enum OrderProcessingError: Error, Equatable, CustomStringConvertible {
    /// Failure injection is on and the order has the sku `FAIL-ME`.
    case injectedFailure
    /// The event names an order that does not exist.
    case unknownOrder(String)
    /// A line names a sku without an inventory row.
    case unknownSku(String)

    var reason: String {
        switch self {
        case .injectedFailure: "injected-failure"
        case .unknownOrder: "unknown-order"
        case .unknownSku: "unknown-sku"
        }
    }

    var description: String {
        switch self {
        case .injectedFailure: "failure injection is on and the order contains sku FAIL-ME"
        case .unknownOrder(let id): "order \(id) does not exist"
        case .unknownSku(let sku): "sku \(sku) has no inventory row"
        }
    }
}
