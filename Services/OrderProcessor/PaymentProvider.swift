import ConveyorRuntime
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Orders

/// The payment provider's answer to a charge.
enum PaymentResult: Sendable, Equatable {
    case captured(reference: String)
    case declined(reason: String)
}

/// A deterministic stand-in for a payment provider, with rules an operator configures:
///
/// - a total above ``declineAboveMinorUnits`` is declined (`amount_limit_exceeded`);
/// - a customer id listed in ``declinedCustomers`` is declined (`card_declined`);
/// - anything else is captured, with a reference derived from the order id (the same order
///   always gets the same reference, so a retried charge is recognisably the same).
struct MockPaymentProvider: Sendable {
    var declineAboveMinorUnits: Int64
    var declinedCustomers: Set<String>

    func charge(orderID: UUID, customerID: String, amount: Money) -> PaymentResult {
        if amount.minorUnits > declineAboveMinorUnits {
            return .declined(reason: "amount_limit_exceeded")
        }
        if declinedCustomers.contains(customerID) {
            return .declined(reason: "card_declined")
        }
        return .captured(reference: "mockpay_" + orderID.lowercasedString.replacing("-", with: "").prefix(16))
    }
}
