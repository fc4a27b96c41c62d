import Foundation
import Orders
import Testing

@testable import OrderProcessor

@Suite struct FulfilmentPlanTests {
    let usd = Currency(code: "USD")!
    let payments = MockPaymentProvider(declineAboveMinorUnits: 100_000, declinedCustomers: ["cust-declined"])

    func order(_ lines: [(String, Int)], total: Int64 = 1_000, customer: String = "cust-1", status: OrderStatus = .pending) -> PendingOrder {
        PendingOrder(
            id: UUID(), status: status, customerID: customer, total: Money(minorUnits: total, currency: usd),
            items: lines.map { OrderLine(sku: $0.0, qty: $0.1) })
    }

    func created(_ order: PendingOrder) -> OrderEvent {
        let customer = Customer(id: order.customerID)
        let items = order.items.map { LineItem(sku: $0.sku, name: $0.sku, quantity: $0.qty, unitPrice: Money(minorUnits: 1, currency: usd)) }
        return OrderEvent(
            type: .orderCreated, source: "api-gateway", traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            data: OrderEventData(orderId: order.id, status: .pending, customer: customer, items: items, total: order.total))
    }

    func plan(_ orders: [PendingOrder], stock: [String: Int]) -> FulfilmentPlan {
        FulfilmentPlan(
            events: orders.enumerated().map { ($0.offset, created($0.element)) },
            orders: Dictionary(uniqueKeysWithValues: orders.map { ($0.id, $0) }), stock: stock, payments: payments,
            service: "order-processor")
    }

    @Test func ordersOfABatchShareTheStockInTheirOrder() {
        let first = order([("SKU-1", 2), ("SKU-2", 1)])
        let second = order([("SKU-1", 2)])
        let third = order([("SKU-2", 1)])
        let plan = plan([first, second, third], stock: ["SKU-1": 3, "SKU-2": 2])

        #expect(plan.results == [0: .processed, 1: .failed(reason: "out_of_stock"), 2: .processed])
        #expect(plan.taken == ["SKU-1": 2, "SKU-2": 2])
        #expect(plan.fits(["SKU-1": 2, "SKU-2": 2]))
        #expect(!plan.fits(["SKU-1": 1, "SKU-2": 2]))
        // All-or-nothing: the failed order reserves nothing, and says what was missing.
        #expect(plan.reservations.filter { $0.orderID == second.id }.isEmpty)
        #expect(plan.history.contains { $0.orderID == second.id && $0.step == "out_of_stock" && $0.detail == ["detail": .string("SKU-1: 1 of 2")] })
        #expect(plan.statusChanges.map(\.status) == [.processed, .failed, .processed])
    }

    @Test func processedOrderHasItsWholeHistoryAndEvent() throws {
        let pending = order([("SKU-1", 1)])
        let plan = plan([pending], stock: ["SKU-1": 5])

        #expect(plan.history.map(\.step) == ["started", "inventory_reserved", "payment_captured", "fulfilled", "processed"])
        #expect(plan.history.first?.from == .pending && plan.history.last?.to == .processed)
        #expect(plan.payments.map(\.status) == ["captured"])
        #expect(plan.payments.first?.providerReference?.hasPrefix("mockpay_") == true)
        let event = try #require(plan.events.first)
        #expect(event.eventType == .orderProcessed)
        #expect(event.data.orderId == pending.id && event.data.status == .processed && event.data.reason == nil)
        #expect(event.traceparent == "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
        #expect(event.source == "order-processor")
    }

    @Test func declinedPaymentTakesNoStock() throws {
        let expensive = order([("SKU-1", 1)], total: 200_000)
        let blocked = order([("SKU-1", 1)], customer: "cust-declined")
        let plan = plan([expensive, blocked], stock: ["SKU-1": 1])

        #expect(plan.results == [0: .failed(reason: "payment_declined"), 1: .failed(reason: "payment_declined")])
        #expect(plan.taken.isEmpty)
        #expect(plan.reservations.map(\.status) == ["released", "released"])
        #expect(plan.payments.map(\.declineReason) == ["amount_limit_exceeded", "card_declined"])
        #expect(plan.history.filter { $0.orderID == expensive.id }.map(\.step)
            == ["started", "inventory_reserved", "inventory_released", "payment_declined"])
        #expect(plan.events.map(\.eventType) == [.orderFailed, .orderFailed])
        #expect(plan.events.map(\.data.reason) == ["payment_declined", "payment_declined"])
    }

    @Test func orderNoLongerPendingIsSkipped() {
        let cancelled = order([("SKU-1", 1)], status: .cancelled)
        let plan = plan([cancelled], stock: ["SKU-1": 5])

        #expect(plan.results == [0: .skipped(.cancelled)])
        #expect(plan.history.map(\.step) == ["skipped"])
        #expect(plan.statusChanges.isEmpty && plan.events.isEmpty && plan.taken.isEmpty && plan.payments.isEmpty)
    }

    @Test func secondEventForTheSameOrderInABatchIsSkipped() {
        let pending = order([("SKU-1", 1)])
        let events = [(0, created(pending)), (1, created(pending))]
        let plan = FulfilmentPlan(
            events: events, orders: [pending.id: pending], stock: ["SKU-1": 5], payments: payments, service: "order-processor")

        #expect(plan.results == [0: .processed, 1: .skipped(.processed)])
        #expect(plan.taken == ["SKU-1": 1])
    }
}
