import ConveyorRuntime
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Orders
import Outbox

/// What processing a batch of `order.created` events writes, decided in memory from the
/// orders and the stock, so the whole batch is written with a handful of statements.
///
/// Events are planned in their order: each takes stock from what the ones before it left, so
/// within a batch, as between batches, an order is filled all-or-nothing or fails
/// `out_of_stock`. A declined payment takes nothing. An order that is no longer `PENDING` (also
/// one an earlier event of the batch processed) is skipped.
struct FulfilmentPlan: Sendable {
    /// A row of an order's history (`order_events`).
    struct HistoryEntry: Sendable, Equatable {
        var orderID: UUID
        var from: OrderStatus
        var to: OrderStatus
        var step: String
        var detail: [String: JSONValue]
    }

    struct StatusChange: Sendable, Equatable {
        var orderID: UUID
        var status: OrderStatus
        var reason: String?
    }

    struct Reservation: Sendable, Equatable {
        var orderID: UUID
        var sku: String
        var qty: Int
        /// `reserved`, or `released` when the payment was declined.
        var status: String
    }

    struct Payment: Sendable, Equatable {
        var orderID: UUID
        var amount: Money
        var result: PaymentResult

        /// The `payments.status` of the result.
        var status: String {
            switch result {
            case .captured: "captured"
            case .declined: "declined"
            }
        }

        var providerReference: String? {
            if case .captured(let reference) = result { reference } else { nil }
        }

        var declineReason: String? {
            if case .declined(let reason) = result { reason } else { nil }
        }
    }

    /// The outcome of each planned event, by its position in the batch.
    private(set) var results: [Int: OrderWorkflow.Result] = [:]
    private(set) var statusChanges: [StatusChange] = []
    private(set) var history: [HistoryEntry] = []
    private(set) var reservations: [Reservation] = []
    private(set) var payments: [Payment] = []
    /// The `order.processed` and `order.failed` events, each for the outbox.
    private(set) var events: [OrderEvent] = []
    /// Units taken from each sku's stock.
    private(set) var taken: [String: Int] = [:]

    /// Plans `events` (position in the batch, event), every one of whose orders is in `orders`
    /// with every sku in `stock`.
    init(
        events: [(position: Int, event: OrderEvent)], orders: [UUID: PendingOrder], stock: [String: Int],
        payments provider: MockPaymentProvider, service: String
    ) {
        var statuses = orders.mapValues(\.status)
        var remaining = stock
        for (position, event) in events {
            guard let order = orders[event.data.orderId], let status = statuses[order.id] else {
                preconditionFailure("every planned event's order is loaded")
            }
            guard status == .pending else {
                history.append(HistoryEntry(orderID: order.id, from: status, to: status, step: "skipped", detail: ["reason": .string("order is \(status)")]))
                results[position] = .skipped(status)
                continue
            }
            history.append(HistoryEntry(orderID: order.id, from: .pending, to: .processing, step: "started", detail: [:]))

            let short = order.items.filter { remaining[$0.sku, default: 0] < $0.qty }
            guard short.isEmpty else {
                let detail = short.map { "\($0.sku): \(remaining[$0.sku, default: 0]) of \($0.qty)" }.joined(separator: ", ")
                fail(event, reason: .outOfStock, detail: detail, at: position, service: service)
                statuses[order.id] = .failed
                continue
            }
            history.append(
                HistoryEntry(
                    orderID: order.id, from: .processing, to: .processing, step: "inventory_reserved",
                    detail: ["items": .array(order.items.map { .string("\($0.sku) x\($0.qty)") })]))

            let result = provider.charge(orderID: order.id, customerID: order.customerID, amount: order.total)
            payments.append(Payment(orderID: order.id, amount: order.total, result: result))
            switch result {
            case .declined(let reason):
                // The stock was never taken: releasing the reservation is recording it.
                reservations += order.items.map { Reservation(orderID: order.id, sku: $0.sku, qty: $0.qty, status: "released") }
                history.append(HistoryEntry(orderID: order.id, from: .processing, to: .processing, step: "inventory_released", detail: [:]))
                fail(event, reason: .paymentDeclined, detail: reason, at: position, service: service)
                statuses[order.id] = .failed
            case .captured(let reference):
                reservations += order.items.map { Reservation(orderID: order.id, sku: $0.sku, qty: $0.qty, status: "reserved") }
                for item in order.items {
                    remaining[item.sku, default: 0] -= item.qty
                    taken[item.sku, default: 0] += item.qty
                }
                let shipment = "SHP-" + order.id.uppercasedString.prefix(8)
                history += [
                    HistoryEntry(
                        orderID: order.id, from: .processing, to: .processing, step: "payment_captured",
                        detail: ["reference": .string(reference), "amountMinorUnits": .integer(order.total.minorUnits)]),
                    HistoryEntry(
                        orderID: order.id, from: .processing, to: .processing, step: "fulfilled",
                        detail: ["shipmentReference": .string(shipment)]),
                    HistoryEntry(orderID: order.id, from: .processing, to: .processed, step: "processed", detail: [:]),
                ]
                statusChanges.append(StatusChange(orderID: order.id, status: .processed, reason: nil))
                self.events.append(Self.outcome(.orderProcessed, of: event, status: .processed, reason: nil, service: service))
                results[position] = .processed
                statuses[order.id] = .processed
            }
        }
    }

    private static func outcome(_ type: EventType, of event: OrderEvent, status: OrderStatus, reason: String?, service: String) -> OrderEvent {
        var data = event.data
        data.status = status
        data.reason = reason
        return OrderEvent(type: type, source: service, traceparent: event.traceparent, data: data)
    }

    private mutating func fail(
        _ event: OrderEvent, reason: OrderWorkflow.FailureReason, detail: String, at position: Int, service: String
    ) {
        let orderID = event.data.orderId
        history.append(
            HistoryEntry(orderID: orderID, from: .processing, to: .failed, step: reason.rawValue, detail: ["detail": .string(detail)]))
        statusChanges.append(StatusChange(orderID: orderID, status: .failed, reason: reason.rawValue))
        events.append(Self.outcome(.orderFailed, of: event, status: .failed, reason: reason.rawValue, service: service))
        results[position] = .failed(reason: reason.rawValue)
    }

    /// Whether `stock` still holds everything the plan takes.
    func fits(_ stock: [String: Int]) -> Bool {
        taken.allSatisfy { sku, units in stock[sku, default: 0] >= units }
    }
}
